// Changing a persona's stages: edit a stage's fields or a post (a new version), bring back an
// earlier version of a stage or avatar (a new version with its data), regenerate a stage (optionally with the stages
// that read it), and retry what failed. Earlier results always stay as versions.
import type { Persona } from "@/generated/prisma/client";
import { AppError, notFound } from "@/server/errors";
import { copyAsNextVersion } from "@/server/features/images/copy-image";
import { currentAvatar, PERSONA_IMAGE_OWNER } from "./avatar";
import { findEditablePersona } from "./persona-access";
import { assertNotGenerating, submitPersonaRun, type PersonaServices } from "./persona-runs";
import { STAGE_SCHEMAS, type ObjectStage, type Post, type StageData } from "./schemas";
import { currentPosts, currentStages, savePostVersion, saveStageVersion } from "./stage-store";
import { loadStageRuns, postPositions, unitStatus, type UnitStatus } from "./stage-status";
import { dependentsOf, postUnit, STAGE_LABEL, STAGE_NEEDS, STAGE_NUMBER, STAGES, type Stage, type StagePlan, type StageUnit } from "./stages";

const BUSY: ReadonlySet<UnitStatus["status"]> = new Set(["queued", "running"]);

async function assertUnitIdle(services: PersonaServices, persona: Persona, unit: StageUnit) {
  const runs = await loadStageRuns(services.engine, [persona]);
  if (BUSY.has(unitStatus(persona, runs, unit, true).status)) {
    throw new AppError("CONFLICT", "This stage is being generated right now. Wait for it to end, or cancel the run, before editing it.");
  }
}

/** Saves a stage's edited fields as its next version, checked against the stage's schema. */
export async function updateStage(services: PersonaServices, userId: string, input: { personaId: string; stage: ObjectStage; data: unknown }) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  const parsed = STAGE_SCHEMAS[input.stage].safeParse(input.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    throw new AppError("BAD_REQUEST", `${field ? `${field}: ` : ""}${issue.message}`, { field: field ? `data.${field}` : "data" });
  }
  await assertUnitIdle(services, persona, input.stage);
  return saveStageVersion(services.db, input.stage, { personaId: persona.id, data: parsed.data as StageData[ObjectStage], origin: "edited" });
}

export async function updatePost(services: PersonaServices, userId: string, input: { personaId: string; position: number; data: Post }) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  if (input.position >= persona.postCount) throw notFound("Post");
  await assertUnitIdle(services, persona, postUnit(input.position));
  return savePostVersion(services.db, input.position, { personaId: persona.id, data: input.data, origin: "edited" });
}

/** The stages that read `stage` (directly or through another), with the avatar only while avatars are on. */
function dependentStages(persona: Pick<Persona, "avatarEnabled">, stage: Stage): Stage[] {
  return dependentsOf(stage).filter((dependent) => dependent !== "avatar" || persona.avatarEnabled);
}

/**
 * Makes an earlier version current again, as a new version with its data. The stages that read
 * this one keep their results (made from the version current before) unless `withDependents`
 * asks for them to be generated again from the restored one, in one run, as regenerate does.
 */
export async function restoreVersion(
  services: PersonaServices,
  userId: string,
  input: { personaId: string; stage: ObjectStage; version: number; withDependents?: boolean },
) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  const earlier = await services.db.personaStage.findUnique({
    where: { personaId_stage_version: { personaId: persona.id, stage: input.stage, version: input.version } },
  });
  if (!earlier) throw notFound("Version");
  await assertUnitIdle(services, persona, input.stage);
  const dependents = input.withDependents ? new Set(dependentStages(persona, input.stage)) : new Set<Stage>();
  // Everything that could refuse the run is checked before the restored version is saved.
  if (dependents.size) {
    await assertNotGenerating(services.engine, persona);
    await assertInputsReady(services, persona, dependents);
  }
  const saved = await saveStageVersion(services.db, input.stage, { personaId: persona.id, data: earlier.data as StageData[ObjectStage], origin: "restored" });
  if (!dependents.size) return { ...saved, runId: null, stages: [] };
  const runId = await submitPersonaRun(services, { userId, teamId: persona.teamId, plans: [{ persona, plan: { stages: dependents } }] });
  return { ...saved, runId, stages: STAGES.filter((stage) => dependents.has(stage)) };
}

/** Makes an earlier version of one post current again, as a new version with its data. */
export async function restorePost(services: PersonaServices, userId: string, input: { personaId: string; position: number; version: number }) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  const earlier =
    input.position < persona.postCount
      ? await services.db.personaPost.findUnique({
          where: { personaId_position_version: { personaId: persona.id, position: input.position, version: input.version } },
        })
      : null;
  if (!earlier) throw notFound("Version");
  await assertUnitIdle(services, persona, postUnit(input.position));
  return savePostVersion(services.db, input.position, { personaId: persona.id, data: earlier.data as Post, origin: "restored" });
}

/**
 * Makes an earlier avatar the persona's avatar again: it is stored once more as the next version
 * (the highest version is the avatar). The current avatar asked for again stays as it is.
 */
export async function restoreAvatar(services: PersonaServices, userId: string, input: { personaId: string; imageId: string }) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  const earlier = await services.db.image.findFirst({ where: { id: input.imageId, ownerKind: PERSONA_IMAGE_OWNER, ownerId: persona.id } });
  if (!earlier) throw notFound("Avatar");
  await assertUnitIdle(services, persona, "avatar");
  const current = await currentAvatar(services.db, persona.id);
  const image = current?.id === earlier.id ? earlier : await copyAsNextVersion(services, earlier);
  await services.db.persona.update({ where: { id: persona.id }, data: { updatedAt: new Date() } });
  return { imageId: image.id, version: image.version };
}

/** The stages a run would read without doing them must already have a result. */
export async function assertInputsReady(services: PersonaServices, persona: Persona, planned: ReadonlySet<Stage>) {
  const stages = await currentStages(services.db, persona.id);
  const hasPosts = planned.has("posts") || (await services.db.personaPost.count({ where: { personaId: persona.id } })) > 0;
  for (const stage of planned) {
    for (const needed of STAGE_NEEDS[stage]) {
      if (planned.has(needed)) continue;
      const ready = needed === "posts" ? hasPosts : stages[needed as ObjectStage] !== undefined;
      if (!ready) {
        throw new AppError(
          "BAD_REQUEST",
          `${STAGE_LABEL[stage]} needs ${STAGE_LABEL[needed]} (stage ${STAGE_NUMBER[needed]}), which has no result yet: generate it too`,
          { field: "stage" },
        );
      }
    }
  }
}

/** Generates one stage again as a new version, and the stages that read it when asked. */
export async function regenerateStage(
  services: PersonaServices,
  userId: string,
  input: { personaId: string; stage: Stage; withDependents: boolean; position?: number },
) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  await assertNotGenerating(services.engine, persona);
  if (input.position !== undefined && (input.stage !== "posts" || input.position >= persona.postCount)) {
    throw new AppError("BAD_REQUEST", "Pick a post of this persona's stage 3", { field: "position" });
  }
  const stages = new Set<Stage>([input.stage]);
  // The avatar follows its visual profile only while the persona has avatars on.
  if (input.withDependents) for (const stage of dependentStages(persona, input.stage)) stages.add(stage);
  await assertInputsReady(services, persona, stages);
  const postPositionsToDo = input.position !== undefined && !input.withDependents ? [input.position] : undefined;
  const runId = await submitPersonaRun(services, {
    userId,
    teamId: persona.teamId,
    plans: [{ persona, plan: { stages, postPositions: postPositionsToDo } }],
  });
  return { runId, stages: STAGES.filter((stage) => stages.has(stage)) };
}

const RETRYABLE: ReadonlySet<UnitStatus["status"]> = new Set(["failed", "skipped", "cancelled"]);

/**
 * What a retry of the persona does: the stages that failed (or only the given ones), with the
 * stages they left skipped. Posts that succeeded are kept; only the failed or skipped ones run
 * again. Null when nothing failed.
 */
export async function planRetry(services: PersonaServices, persona: Persona, only?: Stage[]): Promise<StagePlan | null> {
  const runs = await loadStageRuns(services.engine, [persona]);
  const [stored, posts] = await Promise.all([currentStages(services.db, persona.id), currentPosts(services.db, persona.id)]);
  const storedPositions = new Set(posts.map((post) => post.position));

  const statusOf = (unit: StageUnit, hasResult: boolean) => unitStatus(persona, runs, unit, hasResult).status;
  const positions = postPositions(persona, []).filter((position) => RETRYABLE.has(statusOf(postUnit(position), storedPositions.has(position))));
  const stageFailed = (stage: Stage): boolean => {
    if (stage === "posts") return positions.length > 0;
    if (stage === "avatar") return persona.avatarEnabled && RETRYABLE.has(statusOf("avatar", false));
    return RETRYABLE.has(statusOf(stage, stored[stage] !== undefined));
  };

  const asked = new Set(only ?? STAGES);
  const planned = new Set<Stage>();
  for (const stage of STAGES) {
    if (!asked.has(stage) || !stageFailed(stage)) continue;
    planned.add(stage);
    // What it left skipped comes along, so a retried stage 2 also brings its posts back.
    for (const dependent of dependentsOf(stage)) if (stageFailed(dependent)) planned.add(dependent);
  }
  if (!planned.size) return null;
  return { stages: planned, postPositions: planned.has("posts") ? positions : undefined };
}

export async function retryFailedStages(services: PersonaServices, userId: string, input: { personaId: string; stages?: Stage[] }) {
  const persona = await findEditablePersona(services.db, userId, input.personaId);
  await assertNotGenerating(services.engine, persona);
  const plan = await planRetry(services, persona, input.stages);
  if (!plan) throw new AppError("BAD_REQUEST", "Nothing failed: there is no stage to retry");
  await assertInputsReady(services, persona, plan.stages);
  const runId = await submitPersonaRun(services, { userId, teamId: persona.teamId, plans: [{ persona, plan }] });
  return { runId, stages: STAGES.filter((stage) => plan.stages.has(stage)) };
}

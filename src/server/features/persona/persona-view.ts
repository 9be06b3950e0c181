// One persona as its page shows it: every stage's current data and versions with its status (and
// why it failed or was skipped), the posts one by one, the avatar and its versions, the options,
// and whether the caller may edit. The shared view (share links) is the same persona with nothing
// of its team: no ids of people or runs, no history, no statuses.
import type { Persona } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import type { Engine } from "@/server/generation/engine";
import type { RunDetails, RunStatus } from "@/server/generation/types";
import { PERSONA_IMAGE_OWNER } from "./avatar";
import { findPersona } from "./persona-access";
import type { PersonaServices } from "./persona-runs";
import { OBJECT_STAGES, type ObjectStage, type Post, type StageData } from "./schemas";
import { currentPosts, stageHistory, type StageOrigin } from "./stage-store";
import { loadStageRuns, postPositions, postsStatus, unitStatus, type StageStatus } from "./stage-status";
import { postUnit, STAGE_LABEL, STAGE_NUMBER, type Stage } from "./stages";

interface VersionView<Data> {
  version: number;
  origin: StageOrigin;
  createdAt: Date;
  data: Data;
}

export interface StageView<Data> {
  stage: Stage;
  number: number;
  label: string;
  status: StageStatus;
  reason: string | null;
  current: VersionView<Data> | null;
  /** Every version, oldest first (the last is current). */
  versions: VersionView<Data>[];
}

export const personaOptions = (persona: Persona) => ({
  language: persona.language,
  contentRating: persona.contentRating as "general" | "mature",
  postCount: persona.postCount,
  lorebookEntryCount: persona.lorebookEntryCount,
  avatar: persona.avatarEnabled,
});

/**
 * Stage data, posts and avatar of a persona, with statuses from the runs that did them (`runs`
 * when the caller loaded them already, for many personas at once).
 */
export async function readPersona(db: Database, engine: Engine, persona: Persona, loadedRuns?: Map<string, RunDetails>) {
  const [history, posts, avatars, runs] = await Promise.all([
    stageHistory(db, persona.id),
    currentPosts(db, persona.id),
    db.image.findMany({ where: { ownerKind: PERSONA_IMAGE_OWNER, ownerId: persona.id }, orderBy: { version: "asc" } }),
    loadedRuns ?? loadStageRuns(engine, [persona]),
  ]);

  const stageView = <Name extends ObjectStage>(stage: Name): StageView<StageData[Name]> => {
    const versions = (history.get(stage) ?? []).map(({ version, origin, createdAt, data }) => ({ version, origin, createdAt, data: data as StageData[Name] }));
    const { status, reason } = unitStatus(persona, runs, stage, versions.length > 0);
    return { stage, number: STAGE_NUMBER[stage], label: STAGE_LABEL[stage], status, reason, current: versions.at(-1) ?? null, versions };
  };
  const stages = Object.fromEntries(OBJECT_STAGES.map((stage) => [stage, stageView(stage)])) as { [Name in ObjectStage]: StageView<StageData[Name]> };

  const postByPosition = new Map(posts.map((post) => [post.position, post]));
  const postViews = postPositions(persona, [...postByPosition.keys()]).map((position) => {
    const post = postByPosition.get(position);
    const status = unitStatus(persona, runs, postUnit(position), post !== undefined);
    return {
      position,
      status: status.status,
      reason: status.reason,
      current: post ? { version: post.version, origin: post.origin, createdAt: post.createdAt, data: post.data } : null,
      versions: post?.versions ?? 0,
    };
  });
  const postsTotal = postsStatus(postViews.filter((post) => post.position < persona.postCount).map((post) => ({ ...post, runId: null })));

  const avatarStatus = unitStatus(persona, runs, "avatar", avatars.length > 0);
  const avatar = {
    status: !persona.avatarEnabled && avatarStatus.status === "not-started" ? ("off" as const) : avatarStatus.status,
    reason: avatarStatus.reason,
    imageId: avatars.at(-1)?.id ?? null,
    versions: avatars.map((image) => ({ imageId: image.id, version: image.version, createdAt: image.createdAt })),
  };

  const grid = [
    ...OBJECT_STAGES.map((stage) => ({ stage: stage as Stage, status: stages[stage].status, reason: stages[stage].reason })),
    { stage: "posts" as const, status: postsTotal.status, reason: postsTotal.reason },
    { stage: "avatar" as const, status: avatar.status, reason: avatar.reason },
  ]
    .map((cell) => ({ ...cell, number: STAGE_NUMBER[cell.stage], label: STAGE_LABEL[cell.stage] }))
    .sort((left, right) => left.number - right.number);

  return { stages, posts: { status: postsTotal.status, reason: postsTotal.reason, items: postViews }, avatar, grid };
}

export async function getPersona(services: PersonaServices, userId: string, personaId: string) {
  const { persona, canEdit, role } = await findPersona(services.db, userId, personaId);
  const [read, runStatus] = await Promise.all([
    readPersona(services.db, services.engine, persona),
    persona.lastRunId ? services.engine.runStatuses([persona.lastRunId]) : null,
  ]);
  const status = persona.lastRunId ? runStatus?.get(persona.lastRunId) : undefined;
  return {
    id: persona.id,
    teamId: persona.teamId,
    ownerId: persona.ownerId,
    name: persona.name,
    source: persona.source as "description" | "picture" | "card",
    description: persona.description,
    sourceUploadId: persona.sourceUploadId,
    batchId: persona.batchId,
    options: personaOptions(persona),
    imported: persona.importedCard !== null,
    role,
    canEdit,
    run: persona.lastRunId && status ? { id: persona.lastRunId, status: status as RunStatus } : null,
    createdAt: persona.createdAt,
    updatedAt: persona.updatedAt,
    ...read,
  };
}

export type PersonaView = Awaited<ReturnType<typeof getPersona>>;

/** Every version of one post, oldest first (the page shows only the current one until asked). */
export async function getPostVersions(services: PersonaServices, userId: string, input: { personaId: string; position: number }) {
  const { persona } = await findPersona(services.db, userId, input.personaId);
  const rows = await services.db.personaPost.findMany({ where: { personaId: persona.id, position: input.position }, orderBy: { version: "asc" } });
  return rows.map((row) => ({ version: row.version, origin: row.origin as StageOrigin, createdAt: row.createdAt, data: row.data as Post }));
}

/** What a share link shows: the persona's current results, nothing else of its team. */
export async function sharedPersonaView(db: Database, engine: Engine, persona: Persona) {
  const read = await readPersona(db, engine, persona);
  const current = <Name extends ObjectStage>(stage: Name) => read.stages[stage].current?.data ?? null;
  return {
    name: persona.name,
    source: persona.source as "description" | "picture" | "card",
    options: personaOptions(persona),
    stages: {
      core: current("core"),
      strategy: current("strategy"),
      network: current("network"),
      authenticity: current("authenticity"),
      visual: current("visual"),
      book: current("book"),
    },
    posts: read.posts.items.flatMap((post) => (post.current && post.position < persona.postCount ? [{ position: post.position, data: post.current.data }] : [])),
    hasAvatar: read.avatar.imageId !== null,
    updatedAt: persona.updatedAt,
  };
}

// Batches: many personas (up to 50 descriptions or pictures) created together and generated in one
// run that shares the global budgets with everything else. The batch view is every persona's stage
// grid, done and failed counts, and an estimate of the time left; failed stages of the whole batch
// are retried in one more run (a single persona's retry goes through persona-edits.ts).
import crypto from "node:crypto";
import type { Persona } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { isTeamMember, type TeamRole } from "@/server/features/teams/membership";
import { ACTIVE_RUN_STATUSES, type RunStatus } from "@/server/generation/types";
import { parseBatch, type BatchFormat } from "./batch-input";
import { canEditPersona } from "./persona-access";
import { planRetry } from "./persona-edits";
import type { PersonaOptions } from "./persona-input";
import { STILL_GENERATING, submitPersonaRun, type PersonaServices } from "./persona-runs";
import { readPersona } from "./persona-view";
import { loadStageRuns } from "./stage-status";
import { findFreeUpload, optionColumns, workingTitle, type Actor } from "./personas";
import { allStages } from "./stages";
import { assertRatingAllowed } from "./team-settings";

export interface CreateBatchRequest {
  text?: string;
  format?: BatchFormat;
  uploadIds?: string[];
  options: PersonaOptions;
}

export async function createBatch(services: PersonaServices, actor: Actor, input: CreateBatchRequest) {
  const { db } = services;
  await assertRatingAllowed(db, actor.teamId, input.options.contentRating);
  const parsed = input.text?.trim() ? parseBatch(input.text, input.format) : { items: [], problems: [] };
  if (parsed.problems.length) {
    const listed = parsed.problems.slice(0, 5).map((problem) => (problem.line ? `line ${problem.line}: ${problem.message}` : problem.message));
    const more = parsed.problems.length > 5 ? ` (and ${parsed.problems.length - 5} more)` : "";
    throw new AppError("BAD_REQUEST", `The batch has problems — ${listed.join("; ")}${more}`, { field: "text" });
  }
  const uploadIds = [...new Set(input.uploadIds ?? [])];
  const total = parsed.items.length + uploadIds.length;
  if (total === 0) throw new AppError("BAD_REQUEST", "Add at least one description or picture to the batch", { field: "text" });
  if (total > 50) throw new AppError("BAD_REQUEST", `At most 50 personas in one batch: this one has ${total}`, { field: "text" });
  const uploads = await Promise.all(uploadIds.map((uploadId) => findFreeUpload(db, actor.teamId, uploadId)));

  const batchId = crypto.randomUUID();
  const common = { teamId: actor.teamId, ownerId: actor.userId, batchId, stageRuns: {}, ...optionColumns(input.options) };
  // The batch lists its personas by creation time: a millisecond apart, in the order of the lines,
  // because rows inserted together would otherwise tie and come back in whatever order the
  // database reads them (insertion order on SQLite, not on PostgreSQL).
  const createdAt = Date.now();
  const rows = [
    ...parsed.items.map((item) => ({
      ...common,
      id: crypto.randomUUID(),
      name: workingTitle(item.description),
      source: "description",
      description: item.description,
      ...(item.language ? { language: item.language } : {}),
    })),
    ...uploads.map((upload, index) => ({ ...common, id: crypto.randomUUID(), name: `Picture ${index + 1}`, source: "picture", sourceUploadId: upload.id })),
  ].map((row, index) => ({ ...row, createdAt: new Date(createdAt + index) }));
  const source = parsed.items.length && uploads.length ? "mixed" : uploads.length ? "picture" : "description";
  await db.$transaction([
    db.personaBatch.create({ data: { id: batchId, teamId: actor.teamId, ownerId: actor.userId, source } }),
    db.persona.createMany({ data: rows }),
  ]);
  const personas = await db.persona.findMany({ where: { batchId } });
  const runId = await submitPersonaRun(services, {
    ...actor,
    batchId,
    plans: personas.map((persona) => ({ persona, plan: { stages: allStages(persona) } })),
  });
  return { batchId, runId, personaIds: rows.map((row) => row.id) };
}

async function findBatch(db: Database, userId: string, batchId: string) {
  const batch = await db.personaBatch.findUnique({ where: { id: batchId } });
  if (!batch || !(await isTeamMember(db, userId, batch.teamId))) throw notFound("Batch");
  return batch;
}

type PersonaState = "done" | "failed" | "cancelled" | "running" | "pending";

function personaState(grid: Array<{ status: string }>): PersonaState {
  const has = (...statuses: string[]) => grid.some((cell) => statuses.includes(cell.status));
  if (has("queued", "running")) return "running";
  if (has("failed", "skipped")) return "failed";
  // Stopped by a cancel, not broken: said apart from failed, and retried the same way.
  if (has("cancelled")) return "cancelled";
  return has("not-started") ? "pending" : "done";
}

export async function getBatch(services: PersonaServices, userId: string, batchId: string, now = new Date()) {
  const { db, engine } = services;
  const batch = await findBatch(db, userId, batchId);
  const role = await memberRole(db, batch.teamId, userId);
  const personas = await db.persona.findMany({ where: { batchId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  // The batch's runs are read once for all its personas.
  const runs = await loadStageRuns(engine, personas);
  const views = await Promise.all(personas.map((persona) => readPersona(db, engine, persona, runs)));
  const run = batch.lastRunId ? (runs.get(batch.lastRunId) ?? (await engine.getRun(batch.lastRunId))) : null;
  const entries = personas.map((persona, index) => {
    const view = views[index]!;
    return {
      id: persona.id,
      name: persona.name,
      source: persona.source as "description" | "picture",
      state: personaState(view.grid),
      /** Whether the caller may retry this persona's stages (its creator, or a team owner or admin). */
      canEdit: canEditPersona(role, userId, persona),
      avatarImageId: view.avatar.imageId,
      grid: view.grid.map(({ stage, number, label, status, reason }) => ({ stage, number, label, status, reason })),
    };
  });
  const count = (state: PersonaState) => entries.filter((entry) => entry.state === state).length;
  let estimatedMsLeft: number | null = null;
  if (run && run.status === "running" && run.startedAt) {
    // Tasks still to do at the pace of those done so far: rough, and honest about being rough.
    const finished = run.counts.succeeded + run.counts.failed + run.counts.skipped + run.counts.cancelled;
    const elapsed = now.getTime() - run.startedAt.getTime();
    if (finished > 0) estimatedMsLeft = Math.round((elapsed / finished) * (run.counts.total - finished));
  }
  return {
    id: batch.id,
    source: batch.source as "description" | "picture" | "mixed",
    createdAt: batch.createdAt,
    run: run ? { id: run.id, status: run.status as RunStatus, counts: run.counts, startedAt: run.startedAt, endedAt: run.endedAt } : null,
    counts: { total: entries.length, done: count("done"), failed: count("failed"), cancelled: count("cancelled"), running: count("running"), pending: count("pending") },
    estimatedMsLeft,
    canCancel: canEditPersona(role, userId, batch),
    personas: entries,
  };
}

export async function listBatches(services: PersonaServices, teamId: string) {
  const batches = await services.db.personaBatch.findMany({
    where: { teamId },
    orderBy: { createdAt: "desc" },
    include: { _count: { select: { personas: true } } },
  });
  const statusOf = await services.engine.runStatuses(batches.flatMap((batch) => (batch.lastRunId ? [batch.lastRunId] : [])));
  return batches.map((batch) => ({
    id: batch.id,
    source: batch.source as "description" | "picture" | "mixed",
    size: batch._count.personas,
    status: (batch.lastRunId ? statusOf.get(batch.lastRunId) : undefined) ?? null,
    createdAt: batch.createdAt,
  }));
}

async function memberRole(db: Database, teamId: string, userId: string): Promise<TeamRole> {
  const membership = await db.member.findUnique({ where: { organizationId_userId: { organizationId: teamId, userId } } });
  return (membership?.role ?? "member") as TeamRole;
}

/**
 * Cancels what is generating for the batch: its run, and the runs of its personas retried or
 * regenerated on their own since. Finished stages keep their results; the rest ends cancelled and
 * can be retried later. For the batch's creator and team owners and admins (whose role lets them
 * change every persona the batch made); FORBIDDEN for other members.
 */
export async function cancelBatch(services: PersonaServices, userId: string, batchId: string): Promise<{ cancelledRuns: number }> {
  const { db, engine } = services;
  const batch = await findBatch(db, userId, batchId);
  const role = await memberRole(db, batch.teamId, userId);
  if (!canEditPersona(role, userId, batch)) {
    throw new AppError("FORBIDDEN", "Only the batch's creator or a team owner or admin can cancel this batch");
  }
  const personas = await db.persona.findMany({ where: { batchId }, select: { lastRunId: true } });
  const runIds = [...new Set([batch.lastRunId, ...personas.map((persona) => persona.lastRunId)].filter((runId) => runId !== null))];
  const statuses = await engine.runStatuses(runIds);
  const active = runIds.filter((runId) => ACTIVE_RUN_STATUSES.has(statuses.get(runId) ?? "succeeded"));
  for (const runId of active) await engine.cancelRun(runId);
  return { cancelledRuns: active.length };
}

/** Retries the failed stages of every persona of the batch that the caller may change, in one run. */
export async function retryBatch(services: PersonaServices, userId: string, batchId: string) {
  const { db, engine } = services;
  const batch = await findBatch(db, userId, batchId);
  const role = await memberRole(db, batch.teamId, userId);
  const personas = (await db.persona.findMany({ where: { batchId } })).filter((persona) => canEditPersona(role, userId, persona));
  const runIds = [...new Set(personas.flatMap((persona) => (persona.lastRunId ? [persona.lastRunId] : [])))];
  const statuses = await engine.runStatuses(runIds);
  if (runIds.some((runId) => ACTIVE_RUN_STATUSES.has(statuses.get(runId) ?? "succeeded"))) throw new AppError("CONFLICT", STILL_GENERATING);
  const plans: Array<{ persona: Persona; plan: NonNullable<Awaited<ReturnType<typeof planRetry>>> }> = [];
  for (const persona of personas) {
    const plan = await planRetry(services, persona);
    if (plan) plans.push({ persona, plan });
  }
  if (!plans.length) throw new AppError("BAD_REQUEST", "Nothing failed in this batch: there is nothing to retry");
  const runId = await submitPersonaRun(services, { userId, teamId: batch.teamId, batchId, plans });
  return { runId, personas: plans.length };
}

// Starting runs of personas: one persona's (a new persona, a retry, a regeneration) or a batch's.
// Every run records, on each persona, which run last did each of its stages (stageRuns), so a
// stage's status always comes from the run that did it.
import type { Persona } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { AppError } from "@/server/errors";
import type { Engine } from "@/server/generation/engine";
import { ACTIVE_RUN_STATUSES, type TaskSpec } from "@/server/generation/types";
import type { ImageStore } from "@/server/storage/image-store";
import { PERSONA_BATCH_RUN_KIND, PERSONA_RUN_KIND } from "./persona-pipeline";
import { parseTaskKey, planTasks, type PlannedPersona, type StagePlan } from "./stages";
import { assertRatingAllowed } from "./team-settings";

export interface PersonaServices {
  db: Database;
  engine: Engine;
  images: ImageStore;
}

export const STILL_GENERATING = "This persona is still generating. Wait for its run to end or cancel it first.";
const BATCH_STILL_GENERATING = "This batch is still generating. Wait for its run to end or cancel it first.";

export type StageRuns = Record<string, string>;
export const stageRunsOf = (persona: Pick<Persona, "stageRuns">): StageRuns => (persona.stageRuns ?? {}) as StageRuns;

/** CONFLICT while the persona's last run (its own or its batch's) is still queued or running. */
export async function assertNotGenerating(engine: Engine, persona: Pick<Persona, "lastRunId">): Promise<void> {
  if (!persona.lastRunId) return;
  const status = (await engine.runStatuses([persona.lastRunId])).get(persona.lastRunId);
  if (status && ACTIVE_RUN_STATUSES.has(status)) throw new AppError("CONFLICT", STILL_GENERATING);
}

export interface PersonaRunRequest {
  userId: string;
  teamId: string;
  plans: Array<{ persona: PlannedPersona & Pick<Persona, "contentRating">; plan: StagePlan }>;
  /** A batch's run: the batch is the run's subject. */
  batchId?: string;
}

/** Submits one run doing the planned stages and records it on the personas (and the batch). */
export async function submitPersonaRun(services: PersonaServices, request: PersonaRunRequest): Promise<string> {
  const { db, engine } = services;
  if (request.plans.some(({ persona }) => persona.contentRating === "mature")) await assertRatingAllowed(db, request.teamId, "mature");
  const tasks: TaskSpec[] = request.plans.flatMap(({ persona, plan }) => planTasks(persona, plan));
  if (!tasks.length) throw new AppError("BAD_REQUEST", "There is nothing to generate");
  const single = request.plans.length === 1 && !request.batchId ? request.plans[0]!.persona : undefined;
  const runId = await engine.submitRun({
    kind: request.batchId ? PERSONA_BATCH_RUN_KIND : PERSONA_RUN_KIND,
    teamId: request.teamId,
    ownerId: request.userId,
    subjectId: request.batchId ?? single?.id ?? null,
    exclusiveSubject: { conflictMessage: request.batchId ? BATCH_STILL_GENERATING : STILL_GENERATING },
    // Every stage that can run may run: the global budgets bound the provider calls.
    maxWorkers: engine.settings.maxWorkers,
    tasks,
  });
  const unitsByPersona = new Map<string, string[]>();
  for (const task of tasks) {
    const parsed = parseTaskKey(task.key)!;
    unitsByPersona.set(parsed.personaId, [...(unitsByPersona.get(parsed.personaId) ?? []), parsed.unit]);
  }
  const personas = await db.persona.findMany({ where: { id: { in: [...unitsByPersona.keys()] } }, select: { id: true, stageRuns: true } });
  await db.$transaction([
    ...personas.map((persona) => {
      const stageRuns = { ...stageRunsOf(persona), ...Object.fromEntries(unitsByPersona.get(persona.id)!.map((unit) => [unit, runId])) };
      return db.persona.update({ where: { id: persona.id }, data: { lastRunId: runId, stageRuns } });
    }),
    ...(request.batchId ? [db.personaBatch.update({ where: { id: request.batchId }, data: { lastRunId: runId } })] : []),
  ]);
  return runId;
}

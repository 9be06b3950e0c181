// Runs of the generation engine, as the team that owns them sees them: details, cancel, retry of
// what failed, and a live event stream that resumes after a disconnect (tracked by seq).
import { tracked } from "@trpc/server";
import { z } from "zod";
import type { Engine } from "@/server/generation/engine";
import { appEngine } from "@/server/app-services";
import { followRun } from "@/server/generation/events/follow-run";
import { findMemberRun } from "@/server/features/runs/member-run";
import { RUN_STATUSES, TASK_STATUSES, type RunDetails } from "@/server/generation/types";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const runInput = z.object({ runId: z.string().min(1).max(100) });
/** What runs.events takes; the run-event stream (run-event-stream.ts) reads the same input. */
export const runEventsInput = runInput.extend({ lastEventId: z.union([z.string(), z.number()]).nullish() });

const counts = z.object({
  total: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  skipped: z.number(),
  cancelled: z.number(),
});

const metrics = z.object({
  wallMs: z.number(),
  taskMs: z.number(),
  speedUp: z.number(),
  averageImageMs: z.number().nullable(),
  attempts: z.number(),
  retries: z.number(),
  rateLimited: z.number(),
});

const runSummary = z.object({
  id: z.string(),
  kind: z.string(),
  subjectId: z.string().nullable(),
  status: z.enum(RUN_STATUSES),
  maxWorkers: z.number(),
  counts,
  metrics: metrics.nullable(),
  queuedAt: z.date(),
  startedAt: z.date().nullable(),
  endedAt: z.date().nullable(),
  tasks: z.array(
    z.object({
      key: z.string(),
      type: z.string(),
      /** The budget the task draws from ("text", "image", …). */
      kind: z.string(),
      status: z.enum(TASK_STATUSES),
      attempts: z.number(),
      lastError: z.string().nullable(),
      durationMs: z.number().nullable(),
      output: z.unknown(),
    }),
  ),
});

function summarize(run: RunDetails): z.infer<typeof runSummary> {
  return {
    id: run.id,
    kind: run.kind,
    subjectId: run.subjectId,
    status: run.status,
    maxWorkers: run.settings.maxWorkers,
    counts: run.counts,
    metrics: run.metrics,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    tasks: run.tasks.map((task) => ({
      key: task.key,
      type: task.type,
      kind: task.kind,
      status: task.status,
      attempts: task.attempts,
      lastError: task.lastError,
      durationMs: task.durationMs,
      output: task.output,
    })),
  };
}

async function* trackedEvents(engine: Engine, runId: string, afterSeq: number, signal: AbortSignal | undefined) {
  for await (const event of followRun(engine, runId, afterSeq, signal)) yield tracked(String(event.seq), event);
}

/** `getEngine` is a parameter so tests can serve the router from an engine of their own. */
export function createRunsRouter(getEngine: () => Engine = appEngine) {
  return createTRPCRouter({
    get: protectedProcedure
      .input(runInput)
      .output(runSummary)
      .query(async ({ ctx, input }) => summarize(await findMemberRun(getEngine(), ctx.db, ctx.user.id, input.runId))),

    cancel: protectedProcedure
      .input(runInput)
      .output(runSummary)
      .mutation(async ({ ctx, input }) => {
        await findMemberRun(getEngine(), ctx.db, ctx.user.id, input.runId);
        await getEngine().cancelRun(input.runId);
        return summarize(await findMemberRun(getEngine(), ctx.db, ctx.user.id, input.runId));
      }),

    retryFailed: protectedProcedure
      .input(runInput)
      .output(z.object({ requeued: z.number() }))
      .mutation(async ({ ctx, input }) => {
        await findMemberRun(getEngine(), ctx.db, ctx.user.id, input.runId);
        return { requeued: await getEngine().retryFailed(input.runId) };
      }),

    /**
     * Live events; a reconnecting client passes the last id it saw and misses nothing. Over HTTP,
     * members are served by the run's shared feed (run-event-stream.ts), in the same wire format.
     */
    events: protectedProcedure
      .input(runEventsInput)
      .subscription(async ({ ctx, input, signal }) => {
        // Checked before the stream starts, so a non-member gets NOT_FOUND like every procedure
        // (an error thrown while streaming would skip the error middleware).
        await findMemberRun(getEngine(), ctx.db, ctx.user.id, input.runId);
        const afterSeq = Number(input.lastEventId ?? 0);
        return trackedEvents(getEngine(), input.runId, Number.isFinite(afterSeq) ? afterSeq : 0, signal);
      }),
  });
}

export const runsRouter = createRunsRouter();

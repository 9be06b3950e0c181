// The app instances' side of runs carried by BullMQ on Redis: a stored run becomes a job on the
// `runs` queue with the run's id as its job id (BullMQ adds nothing when a job of that id exists,
// so a run is never queued twice), and worker processes (run-worker.ts) execute it.
//
// Cancelling is durable: the request is a Redis key the worker that takes the run reads before it
// starts anything, then a message to the worker that holds it. A run still waiting for a worker is
// taken off the queue, and the app instance cancels the stored run itself (run-worker.ts's sweep
// leaves runs with a fresh cancel request alone, so only one process writes that run's end).
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import type { CancelRequest, RunDispatcher, WorkerStatus } from "./run-dispatcher";

export const RUN_QUEUE_NAME = "runs";
export const QUEUE_PREFIX = "storyforge";
/** Messages naming a run whose worker is to cancel it. */
export const CANCEL_CHANNEL = "storyforge:run-cancel";
/** Worker processes report themselves here (field: worker id, value: WorkerReport JSON). */
export const WORKER_STATUS_KEY = "storyforge:workers";
/** A worker that has not reported for this long is taken for dead in counts and budgets. */
export const WORKER_REPORT_MAX_AGE_MS = 5_000;
/** Cancel requests are kept this long (a run that waits longer than this for a worker is unusual). */
const CANCEL_TTL_SECONDS = 7 * 24 * 3600;
/** How often the queue's counts and the workers' reports are read for status(). */
const REFRESH_MS = 1_000;
/**
 * How long a request's call to the queue may wait for Redis. The connection retries commands for
 * as long as Redis is away (BullMQ needs that); a submit or cancel should fail instead of hanging.
 */
const REQUEST_TIMEOUT_MS = 5_000;

export const cancelKey = (runId: string) => `storyforge:run-cancel:${runId}`;

export const runJobSchema = z.object({ runId: z.string().min(1) });
export type RunJob = z.infer<typeof runJobSchema>;

export const workerReportSchema = z.object({
  id: z.string(),
  pid: z.number().int(),
  at: z.number(),
  activeRuns: z.number().int().min(0),
  runIds: z.array(z.string()),
  budgets: z.record(
    z.string(),
    z.object({
      identity: z.string(),
      cap: z.number(),
      inFlight: z.number(),
      window: z.number(),
      ratePerSecond: z.number().nullable(),
      roundTripMs: z.number().nullable(),
      limitSeen: z.number().nullable(),
      shared: z.boolean().optional(),
    }),
  ),
});
export type WorkerReport = z.infer<typeof workerReportSchema>;

/** The reports of the workers alive now (reports older than WORKER_REPORT_MAX_AGE_MS are left out). */
export async function readWorkerReports(redis: Redis, now = Date.now()): Promise<WorkerReport[]> {
  const reports: WorkerReport[] = [];
  for (const value of Object.values(await redis.hgetall(WORKER_STATUS_KEY))) {
    const parsed = workerReportSchema.safeParse(safeJson(value));
    if (parsed.success && now - parsed.data.at <= WORKER_REPORT_MAX_AGE_MS) reports.push(parsed.data);
  }
  return reports;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Job options every run job is added with, by app instances and by the workers' sweep alike. */
export const RUN_JOB_OPTIONS = {
  // Completed and failed jobs are removed, so that a retried run can be queued again under its id;
  // a job that failed (the processor threw) leaves its run unfinished, and the sweep queues it again.
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 1,
} as const;

export function runQueue(connection: Redis): Queue<RunJob> {
  return new Queue<RunJob>(RUN_QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
}

export interface BullmqRunDispatcher extends RunDispatcher {
  close(): Promise<void>;
}

/** `promise`, or an error saying Redis did not answer once `ms` have passed (the command itself goes on). */
async function withinTimeout<T>(promise: Promise<T>, what: string, ms = REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The run queue's Redis did not answer within ${ms / 1000} s: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createBullmqRunDispatcher(url: string, options: { requestTimeoutMs?: number } = {}): BullmqRunDispatcher {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // BullMQ's connections must retry commands for as long as Redis is away.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on("error", (error) => console.error("run queue: Redis connection error", error.message));
  const queue = runQueue(connection);
  let counts = { active: 0, waiting: 0 };
  let workers: WorkerStatus[] = [];

  let refreshing = false;
  const refresh = async () => {
    // Redis away: one read waits for it, not one more every second.
    if (refreshing) return;
    refreshing = true;
    try {
      const jobs = await queue.getJobCounts("active", "waiting", "prioritized", "delayed");
      counts = { active: jobs.active ?? 0, waiting: (jobs.waiting ?? 0) + (jobs.prioritized ?? 0) + (jobs.delayed ?? 0) };
      workers = (await readWorkerReports(connection)).map(({ id, activeRuns, budgets }) => ({ id, activeRuns, budgets }));
    } catch (error) {
      console.error("run queue: could not read the queue's counts", error);
    } finally {
      refreshing = false;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  timer.unref();

  return {
    async dispatch(runId) {
      // The run is stored: the workers' sweep queues it once they reach Redis, if this add never does.
      await withinTimeout(queue.add("run", { runId }, { ...RUN_JOB_OPTIONS, jobId: runId }), "the run is stored and starts once the workers reach Redis", requestTimeoutMs);
    },
    async isQueued(runId) {
      return (await withinTimeout(queue.getJob(runId), "could not tell whether the run is queued", requestTimeoutMs)) !== undefined;
    },
    requestCancel: (runId) => withinTimeout(requestCancel(runId), "the cancel request may not have been stored", requestTimeoutMs),
    async clearCancel(runId) {
      await withinTimeout(connection.del(cancelKey(runId)), "could not forget the run's cancel request", requestTimeoutMs);
    },
    counts: () => counts,
    workerBudgets: () => workers,
    async close() {
      clearInterval(timer);
      await queue.close();
      await connection.quit().catch(() => {});
    },
  };

  async function requestCancel(runId: string): Promise<CancelRequest> {
    // Kept before anything else: whichever worker takes the run from now on reads it first.
    await connection.set(cancelKey(runId), String(Date.now()), "EX", CANCEL_TTL_SECONDS);
    const job = await queue.getJob(runId);
    if (job) {
      const state = await job.getState();
      // 1 when no worker held it: removing a job a worker holds (locked) fails.
      if ((state === "waiting" || state === "prioritized" || state === "delayed") && (await queue.remove(runId)) === 1) return "removed";
    }
    await connection.publish(CANCEL_CHANNEL, runId);
    return "sent";
  }
}

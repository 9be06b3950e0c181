// A worker process's side of runs carried by BullMQ on Redis (the app instances' side is
// bullmq-run-queue.ts). A BullMQ Worker takes jobs from the `runs` queue, at most
// `maxConcurrentRuns` at once in this process and across all processes (the queue's global
// concurrency); each job is one stored run, which this process's engine takes over and executes to
// its end. The job completes once the run's end is committed.
//
// Held runs are locked for `lockMs` and renewed while held: a killed worker's jobs go back to the
// queue when their lock runs out (BullMQ's stalled-job check, every `lockMs` in every worker), and
// another worker takes the run over from what is stored — succeeded tasks are kept, tasks that
// were running start over. A worker that stops (SIGTERM) writes what it has, then puts its jobs
// back at once.
import { Worker, WaitingError, type Job } from "bullmq";
import { Redis } from "ioredis";
import type { Engine } from "../engine";
import type { RunEventBus } from "../events/event-bus";
import type { RunReader } from "../storage/run-reader";
import {
  CANCEL_CHANNEL,
  QUEUE_PREFIX,
  RUN_JOB_OPTIONS,
  RUN_QUEUE_NAME,
  WORKER_STATUS_KEY,
  cancelKey,
  runJobSchema,
  runQueue,
  type RunJob,
  type WorkerReport,
} from "./bullmq-run-queue";

export interface RunWorkerOptions {
  /** An engine that executes (built without a dispatcher). */
  engine: Engine;
  /** The bus the engine publishes through: a taken-over run's newest events are published again. */
  bus: RunEventBus;
  reader: RunReader;
  redisUrl: string;
  /** How long a hold on a run lasts without renewal; also how often stalled holds are looked for. */
  lockMs: number;
  /** How often stored unfinished runs without a job are queued again. */
  sweepIntervalMs?: number;
  /**
   * Runs this process executes at once; the engine's maxConcurrentRuns (BATCH_MAX_CONCURRENT, also
   * the bound across all workers) by default. Lower spreads the runs over the workers.
   */
  runsPerWorker?: number;
  /** Names this worker in its reports; `worker-<pid>` by default. */
  id?: string;
}

export interface RunWorker {
  readonly id: string;
  /** Queues stored unfinished runs that have no job (a crash between a commit and its job). */
  sweep(): Promise<string[]>;
  /** Stops taking runs, shuts the engine down (its work is written, not failed) and hands its runs back. */
  close(): Promise<void>;
}

/** A taken-over run's newest events are published again, in case its last worker died between a commit and its publish. */
const REPUBLISHED_EVENTS = 64;
/** A run whose cancel request is younger than this is being cancelled by an app instance: the sweep leaves it. */
const FRESH_CANCEL_MS = 60_000;
const REPORT_INTERVAL_MS = 1_000;
/**
 * How often the held runs' cancel requests are read: pub/sub keeps no messages, so a request sent
 * while the listener was away (reconnecting) would otherwise be lost for a run this process holds.
 */
const CANCEL_CHECK_MS = 2_000;
const FORGET_REPORTS_AFTER_MS = 60_000;

export async function startRunWorker(options: RunWorkerOptions): Promise<RunWorker> {
  const { engine, bus, reader, lockMs } = options;
  const id = options.id ?? `worker-${process.pid}`;
  const globalConcurrency = engine.settings.maxConcurrentRuns;
  const concurrency = Math.min(options.runsPerWorker ?? globalConcurrency, globalConcurrency);
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const listener = new Redis(options.redisUrl, { connectionName: `${id}:cancel-listener` });
  for (const redis of [connection, listener]) redis.on("error", (error) => console.error(`${id}: Redis connection error`, error.message));
  const queue = runQueue(connection);
  // BATCH_MAX_CONCURRENT holds across processes, not only per process.
  await queue.setGlobalConcurrency(globalConcurrency);

  /** Runs this process holds, and those of them a cancel was asked for. */
  const held = new Set<string>();
  const cancelAsked = new Set<string>();
  let stopping = false;
  let engineStopped!: () => void;
  const whenEngineStopped = new Promise<void>((resolve) => (engineStopped = resolve));

  const cancelHeld = (runId: string) => {
    if (!held.has(runId) || cancelAsked.has(runId)) return;
    cancelAsked.add(runId);
    // Still being taken over: executeRun's cancelNow sees cancelAsked instead.
    engine.cancelRun(runId).catch(() => {});
  };
  listener.on("message", (channel: string, runId: string) => {
    if (channel === CANCEL_CHANNEL) cancelHeld(runId);
  });
  let checkingCancels = false;
  /** Cancels the held runs whose cancel request is stored (a message about it may have been lost). */
  const checkCancels = async () => {
    if (checkingCancels) return;
    checkingCancels = true;
    try {
      for (const runId of [...held]) if (!cancelAsked.has(runId) && (await connection.exists(cancelKey(runId))) === 1) cancelHeld(runId);
    } catch (error) {
      console.error(`${id}: could not read the held runs' cancel requests`, error);
    } finally {
      checkingCancels = false;
    }
  };
  // Reconnected: once subscribed again (subscribing twice is harmless), requests come as messages,
  // and the stored ones cover the time the listener was away.
  listener.on("ready", () => {
    listener.subscribe(CANCEL_CHANNEL).then(checkCancels, (error: unknown) => console.error(`${id}: could not listen for cancel requests`, error));
  });
  await listener.subscribe(CANCEL_CHANNEL);
  const cancelChecking = setInterval(() => void checkCancels(), CANCEL_CHECK_MS);
  cancelChecking.unref();

  async function processRun(job: Job<RunJob>, token?: string): Promise<{ status: string | null }> {
    const { runId } = runJobSchema.parse(job.data);
    if (stopping) return handBack(job, token);
    held.add(runId);
    try {
      if ((await connection.exists(cancelKey(runId))) === 1) cancelAsked.add(runId);
      for (const event of await reader.lastEvents(runId, REPUBLISHED_EVENTS)) bus.publish(event);
      const status = await engine.executeRun(runId, { cancelNow: () => cancelAsked.has(runId) });
      return { status };
    } catch (error) {
      if (stopping) return handBack(job, token);
      // Released: the job is another worker's now; BullMQ's attempt to fail it here is refused.
      throw error;
    } finally {
      held.delete(runId);
      cancelAsked.delete(runId);
    }
  }

  /** Puts the job back in the queue once this engine has written everything, for another worker to take now. */
  async function handBack(job: Job<RunJob>, token?: string): Promise<never> {
    await whenEngineStopped;
    await job.moveToWait(token);
    throw new WaitingError();
  }

  const worker = new Worker<RunJob>(RUN_QUEUE_NAME, processRun, {
    connection,
    prefix: QUEUE_PREFIX,
    name: id,
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A run survives any number of killed workers; BullMQ would fail it after one stall by default.
    maxStalledCount: Number.MAX_SAFE_INTEGER,
  });
  worker.on("failed", (job, error) => {
    if (!(error instanceof WaitingError)) console.error(`${id}: run ${job?.data.runId} failed in the worker; the sweep queues it again`, error);
  });
  worker.on("error", (error) => console.error(`${id}: worker error`, error));
  worker.on("lockRenewalFailed", (jobIds) => {
    // Another worker may take these runs over now: stop executing them here, so that at most a
    // moment's work is done twice rather than the rest of the run.
    console.error(`${id}: lost the hold on runs ${jobIds.join(", ")}; letting them go`);
    for (const runId of jobIds) engine.releaseRun(runId);
  });

  const report = async () => {
    const status = engine.status();
    const value: WorkerReport = { id, pid: process.pid, at: Date.now(), activeRuns: held.size, runIds: [...held], budgets: status.budgets };
    await connection.hset(WORKER_STATUS_KEY, id, JSON.stringify(value));
    // Killed workers leave their last report behind; readers skip old ones, this forgets them.
    const reports = await connection.hgetall(WORKER_STATUS_KEY);
    const gone = Object.entries(reports).filter(([, report]) => !(reportedAt(report) > value.at - FORGET_REPORTS_AFTER_MS));
    if (gone.length > 0) await connection.hdel(WORKER_STATUS_KEY, ...gone.map(([worker]) => worker));
  };
  let reportingNow = false;
  const reporting = setInterval(() => {
    // Redis away: one report waits for it, not one more every second.
    if (reportingNow) return;
    reportingNow = true;
    report()
      .catch(() => {})
      .finally(() => (reportingNow = false));
  }, REPORT_INTERVAL_MS);
  reporting.unref();
  await report();

  async function sweep(): Promise<string[]> {
    const queued: string[] = [];
    for (const runId of await reader.unfinishedRunIds()) {
      // The job first, then the cancel request: an app instance sets the request before it takes a job off.
      if (await queue.getJob(runId)) continue;
      const cancelledAt = Number(await connection.get(cancelKey(runId)));
      if (cancelledAt > 0 && Date.now() - cancelledAt < FRESH_CANCEL_MS) continue;
      await queue.add("run", { runId }, { ...RUN_JOB_OPTIONS, jobId: runId });
      queued.push(runId);
    }
    return queued;
  }
  const sweeping = setInterval(() => void sweep().catch((error: unknown) => console.error(`${id}: sweep failed`, error)), options.sweepIntervalMs ?? 30_000);
  sweeping.unref();

  return {
    id,
    sweep,
    async close() {
      if (stopping) return;
      stopping = true;
      clearInterval(sweeping);
      clearInterval(reporting);
      clearInterval(cancelChecking);
      const closing = worker.close();
      try {
        await engine.shutdown();
      } finally {
        // Even when the engine could not write everything: the jobs go back (the runs are taken
        // over from what is stored), and the worker's close waits for them.
        engineStopped();
        await closing;
        await connection.hdel(WORKER_STATUS_KEY, id).catch(() => {});
        await queue.close();
        await Promise.allSettled([listener.quit(), connection.quit()]);
      }
    },
  };
}

function reportedAt(report: string): number {
  try {
    return Number((JSON.parse(report) as { at?: unknown }).at) || 0;
  } catch {
    return 0;
  }
}

// A fixed-size pool of worker threads that run named jobs one at a time each, so CPU-heavy work
// (drawing and encoding pictures) leaves the thread that serves requests and streams events. Jobs
// wait in one line; a worker that dies takes only its own job with it (that job fails with
// WorkerCrashed) and is replaced on the next job. Idle workers are ended after a while and do not
// keep the process alive.
import type { Worker } from "node:worker_threads";

/** Job handlers by name, as the worker side declares them: one input, one output (structured-cloneable). */
export type JobHandlers = Record<string, (input: never) => unknown>;

export type JobInput<Handlers extends JobHandlers, Kind extends keyof Handlers> = Parameters<Handlers[Kind]>[0];
export type JobOutput<Handlers extends JobHandlers, Kind extends keyof Handlers> = Awaited<ReturnType<Handlers[Kind]>>;

/** What travels between the pool and a worker. */
export interface JobMessage {
  id: number;
  kind: string;
  input: unknown;
}
export type JobReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: { name: string; message: string } };

export class WorkerCrashed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerCrashed";
  }
}

/** A job's own error, thrown again on the calling side with the worker's message. */
export class JobFailed extends Error {
  constructor(
    readonly kind: string,
    error: { name: string; message: string },
  ) {
    super(error.message);
    this.name = error.name === "Error" ? "JobFailed" : error.name;
  }
}

export interface WorkerPoolOptions {
  /** Workers at most; each runs one job at a time. */
  size: number;
  spawn(): Worker;
  /** An idle worker is ended after this long (it is started again for the next job). */
  idleMs?: number;
}

export interface WorkerPoolStats {
  size: number;
  workers: number;
  busy: number;
  queued: number;
  /** Workers that died with a job in hand or exited on their own. */
  crashes: number;
  completed: number;
}

export interface WorkerPool<Handlers extends JobHandlers> {
  run<Kind extends keyof Handlers & string>(
    kind: Kind,
    input: JobInput<Handlers, Kind>,
    options?: { signal?: AbortSignal },
  ): Promise<JobOutput<Handlers, Kind>>;
  stats(): WorkerPoolStats;
  /** Ends every worker; jobs still waiting fail. */
  close(): Promise<void>;
}

interface Job {
  id: number;
  kind: string;
  input: unknown;
  resolve(output: unknown): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Aborted while its worker runs it: the reply frees the worker and is otherwise ignored. */
  abandoned?: boolean;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  idleTimer: ReturnType<typeof setTimeout> | null;
  /** Ended by the pool (idle, or closing): its exit is no crash. */
  retiring: boolean;
}

const abortError = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : Object.assign(new Error("The job was aborted"), { name: "AbortError" });

export function createWorkerPool<Handlers extends JobHandlers>(options: WorkerPoolOptions): WorkerPool<Handlers> {
  if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`A worker pool needs at least one worker, not ${options.size}`);
  const idleMs = options.idleMs ?? 30_000;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let crashes = 0;
  let completed = 0;
  let closed = false;

  /** Takes the slot's job off it; the job's promise is the caller's to settle. */
  function release(slot: Slot): Job | null {
    const job = slot.job;
    slot.job = null;
    if (job?.signal && job.onAbort) job.signal.removeEventListener("abort", job.onAbort);
    return job;
  }

  function startSlot(): Slot {
    const worker = options.spawn();
    const slot: Slot = { worker, job: null, idleTimer: null, retiring: false };
    worker.on("message", (reply: JobReply) => {
      if (slot.job?.id !== reply.id) return;
      const job = release(slot)!;
      completed++;
      if (!job.abandoned) {
        if (reply.ok) job.resolve(reply.output);
        else job.reject(new JobFailed(job.kind, reply.error));
      }
      dispatch();
    });
    let failure: Error | null = null;
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      slots.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      const job = release(slot);
      if (slot.retiring && !job) return;
      if (!slot.retiring) crashes++;
      if (job && !job.abandoned) {
        job.reject(new WorkerCrashed(`A worker died while running "${job.kind}" (exit code ${code})`, { cause: failure }));
      }
      dispatch();
    });
    slots.add(slot);
    return slot;
  }

  function rest(slot: Slot): void {
    slot.worker.unref();
    slot.idleTimer = setTimeout(() => {
      slot.retiring = true;
      void slot.worker.terminate();
    }, idleMs);
    slot.idleTimer.unref?.();
  }

  function freeSlot(): Slot | undefined {
    for (const slot of slots) if (slot.job === null && !slot.retiring) return slot;
    return slots.size < options.size ? startSlot() : undefined;
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = freeSlot();
      if (!slot) return;
      const job = queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.job = job;
      slot.worker.ref();
      const message: JobMessage = { id: job.id, kind: job.kind, input: job.input };
      slot.worker.postMessage(message);
    }
    for (const slot of slots) if (slot.job === null && slot.idleTimer === null && !slot.retiring) rest(slot);
  }

  return {
    run(kind, input, runOptions = {}) {
      const { signal } = runOptions;
      if (closed) return Promise.reject(new Error("The worker pool is closed"));
      if (signal?.aborted) return Promise.reject(abortError(signal));
      return new Promise((resolve, reject) => {
        const job: Job = { id: nextId++, kind, input, resolve: resolve as (output: unknown) => void, reject, signal };
        if (signal) {
          // A job still in line is dropped; a running one finishes in its worker, unheard.
          job.onAbort = () => {
            const index = queue.indexOf(job);
            if (index !== -1) queue.splice(index, 1);
            else job.abandoned = true;
            reject(abortError(signal));
          };
          signal.addEventListener("abort", job.onAbort, { once: true });
        }
        queue.push(job);
        dispatch();
      });
    },
    stats() {
      const busy = [...slots].filter((slot) => slot.job !== null).length;
      return { size: options.size, workers: slots.size, busy, queued: queue.length, crashes, completed };
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("The worker pool is closed"));
      for (const slot of slots) slot.retiring = true;
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    },
  };
}

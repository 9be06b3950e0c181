// The engine's queue seam. Embedded, the engine admits the runs it stores itself. Scaled out, an
// app instance stores a run and hands it to a RunDispatcher (BullMQ on Redis: bullmq-run-queue.ts),
// and a worker process executes it (src/server/worker-process.ts).

export type CancelRequest =
  /** No worker held the run: it was taken off the queue, so the caller cancels the stored run itself. */
  | "removed"
  /** A worker holds the run, or will take it: it was told to cancel (and the request is kept until then). */
  | "sent";

export interface RunDispatcher {
  /** Queues a stored run for the workers. A run already queued or held is not queued again. */
  dispatch(runId: string): Promise<void>;
  /** Whether the run is queued or held by a worker. */
  isQueued(runId: string): Promise<boolean>;
  /** Asks for the run to be cancelled; the request is kept until the run is retried. */
  requestCancel(runId: string): Promise<CancelRequest>;
  /** Forgets a cancel request (the run is being retried). */
  clearCancel(runId: string): Promise<void>;
  /** Runs held by workers and runs waiting for one, as last counted (a second or so old). */
  counts(): { active: number; waiting: number };
  /** What the live workers last reported of their budgets. */
  workerBudgets(): WorkerStatus[];
}

/** One worker process's report of itself: its runs and its budgets. */
export interface WorkerStatus {
  id: string;
  activeRuns: number;
  budgets: Record<string, { identity: string; cap: number; inFlight: number; window: number; ratePerSecond: number | null; roundTripMs: number | null; limitSeen: number | null; shared?: boolean }>;
}

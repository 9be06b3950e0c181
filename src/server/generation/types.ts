// The engine's public vocabulary: what a feature submits (runs of task specs), what a handler
// receives, and the states runs and tasks move through. Nothing here knows a feature's domain.

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type TaskStatus = "queued" | "running" | "retrying" | "succeeded" | "failed" | "cancelled" | "skipped";
/** Which global budget a provider call draws from. */
export type TaskKind = "text" | "image";

export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(["succeeded", "failed", "cancelled", "skipped"]);
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** One node of a run's DAG. `key` is stable and unique within the run; `input` must be JSON. */
export interface TaskSpec {
  key: string;
  kind: TaskKind;
  dependsOn?: string[];
  input?: unknown;
}

export interface RunSettings {
  /** Tasks of this run executing at once (1 = serial). */
  maxWorkers: number;
  /** Feature options stored with the run (JSON). */
  options: Record<string, unknown>;
}

export interface RunInfo {
  id: string;
  kind: string;
  teamId: string;
  ownerId: string;
  subjectId: string | null;
  settings: RunSettings;
}

export interface SubmitRunRequest {
  kind: string;
  teamId: string;
  ownerId: string;
  subjectId?: string | null;
  /** Defaults to the engine's default workers; clamped to its maximum. */
  maxWorkers?: number;
  options?: Record<string, unknown>;
  tasks: TaskSpec[];
}

/** The task as a handler sees it. */
export interface HandlerTask {
  id: string;
  key: string;
  kind: TaskKind;
  input: unknown;
}

export type ProviderCall<T> = (signal: AbortSignal, attempt: number) => Promise<T>;

export interface TaskContext {
  /** Aborted when the run is cancelled or the engine shuts down. */
  readonly signal: AbortSignal;
  /** Provider attempts this task has made so far (across callProvider calls). */
  readonly attempt: number;
  /** Outputs of the tasks this one depends on, by key. */
  readonly dependencies: Readonly<Record<string, unknown>>;
  readonly run: RunInfo;
  /**
   * Extends the run's DAG. The new tasks are stored in the same transaction that marks this task
   * succeeded, so a crash never leaves a half-extended run. Dependencies may name this task.
   */
  addTasks(tasks: TaskSpec[]): void;
  /**
   * Makes one provider call under the engine's limits: the global budget for `kind` (adaptive on
   * 429), a timeout per attempt, and the retry policy. `call` gets the attempt's signal and must
   * pass it to the provider. Never call callProvider from inside another callProvider's `call`.
   */
  callProvider<T>(kind: TaskKind, call: ProviderCall<T>): Promise<T>;
}

/**
 * Executes the tasks of one run kind. `execute` runs once per task (again only after a crash or
 * retryFailed); the engine retries the provider calls made through `context.callProvider`, not
 * `execute` itself. The returned output must be small JSON: write large results (images) to
 * storage first (temp file + rename) and return a reference.
 */
export interface TaskHandler {
  execute(task: HandlerTask, context: TaskContext): Promise<unknown>;
}

export interface RunCounts {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface RunMetrics {
  /** From the run's start (after any wait in line) to its end. */
  wallMs: number;
  /** Sum of the durations of the tasks that ended in this execution. */
  taskMs: number;
  /** taskMs / wallMs: how much faster than running the same tasks one after another. */
  speedUp: number;
  /** Average duration of the succeeded image tasks, or null when there were none. */
  averageImageMs: number | null;
  attempts: number;
  retries: number;
  /** Attempts answered with 429 (or another rate-limit signal). */
  rateLimited: number;
}

export interface TaskDetails {
  id: string;
  key: string;
  kind: TaskKind;
  dependsOn: string[];
  input: unknown;
  output: unknown;
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
}

export interface RunDetails extends RunInfo {
  status: RunStatus;
  counts: RunCounts;
  metrics: RunMetrics | null;
  queuedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  tasks: TaskDetails[];
}

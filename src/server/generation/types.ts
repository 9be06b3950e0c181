// The engine's public vocabulary: the task types a domain registers, what it submits (runs of
// task specs), what a task's execute() receives, and the states runs and tasks move through.
// Nothing here knows a feature's domain.
import type { z } from "zod";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TASK_STATUSES = ["queued", "running", "retrying", "succeeded", "failed", "cancelled", "skipped"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
/**
 * The name of a global budget of provider calls ("text", "image", "vision", …): a limit per kind
 * of call, configured in the engine's settings. A task's kind is the budget its type names.
 */
export type TaskKind = string;

export const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(["succeeded", "failed", "cancelled", "skipped"]);
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);
/** A run in one of these statuses is still to do: waiting in line or executing. */
export const ACTIVE_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(["queued", "running"]);


/** One node of a run's DAG. `key` is stable and unique within the run; `input` must be JSON. */
export interface TaskSpec {
  key: string;
  /** The name of a registered task type; the engine checks `input` against its schema. */
  type: string;
  dependsOn?: string[];
  input?: unknown;
}

/**
 * A kind of task a domain registers: its input schema, the budget it draws from, and what it does.
 * `execute` runs once per task (again only after a crash or a retry of failed tasks); the engine
 * retries the provider calls made through `context.callProvider`, not `execute` itself. The
 * returned output must be small JSON: write large results (images) to storage first and return
 * a reference.
 */
export interface TaskType<Input = unknown> {
  /** Unique across domains: "<domain>.<step>", e.g. "story.image". */
  name: string;
  budget: TaskKind;
  input: z.ZodType<Input>;
  execute(input: Input, context: TaskContext): Promise<unknown>;
}

/** Declares a task type with its input type inferred from the schema. */
export function defineTaskType<Schema extends z.ZodType>(type: {
  name: string;
  budget: TaskKind;
  input: Schema;
  execute(input: z.infer<Schema>, context: TaskContext): Promise<unknown>;
}): TaskType<z.infer<Schema>> {
  // A schema's parse result is its inferred output; TypeScript cannot relate the two generically.
  return type as TaskType<z.infer<Schema>>;
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
  /**
   * At most one active run per subject: the submission is refused with CONFLICT (and this
   * message, when given) while another run of the same subject is queued or running.
   */
  exclusiveSubject?: boolean | { conflictMessage: string };
  /** Defaults to the engine's default workers; clamped to its maximum. */
  maxWorkers?: number;
  options?: Record<string, unknown>;
  tasks: TaskSpec[];
}

export type ProviderCall<T> = (signal: AbortSignal, attempt: number) => Promise<T>;

export interface TaskContext {
  /** The task being executed: its id is stable across re-executions (use it for idempotency). */
  readonly task: { readonly id: string; readonly key: string; readonly type: string };
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
  callProvider<T>(budget: TaskKind, call: ProviderCall<T>): Promise<T>;
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
  type: string;
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

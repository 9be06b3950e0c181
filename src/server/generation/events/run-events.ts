// Run events: every state change of a run, numbered per run (seq) so followers can resume.
import type { RunCounts, RunMetrics, RunStatus, TaskKind } from "../types";

export interface RunEventPayloads {
  "run-start": { total: number; resumed: boolean };
  /** The run waits for a free run slot; position 1 is next. */
  "queue-position": { position: number };
  "task-start": { key: string; kind: TaskKind };
  "task-retry": { key: string; attempt: number; delayMs: number; reason: string; status: number | null };
  /**
   * The provider refused a call for rate limiting (429): the task waits, without spending an
   * attempt, and tries again in delayMs. `kind` is the budget the call draws from.
   */
  "task-wait": { key: string; kind: string; delayMs: number; reason: string };
  /** The task failed for good; a task-end with status "failed" follows. */
  "task-error": { key: string; attempts: number; error: string; status: number | null };
  /** Exactly one per task and execution: the task reached a terminal status. */
  "task-end": {
    key: string;
    status: "succeeded" | "failed" | "cancelled" | "skipped";
    attempts: number;
    durationMs: number | null;
    output?: unknown;
    reason?: string;
  };
  "run-end": { status: RunStatus; counts: RunCounts; metrics: RunMetrics };
}

export type RunEventType = keyof RunEventPayloads;

export const RUN_EVENT_TYPES = [
  "run-start",
  "queue-position",
  "task-start",
  "task-retry",
  "task-wait",
  "task-error",
  "task-end",
  "run-end",
] as const satisfies readonly RunEventType[];

export type RunEvent = {
  [Type in RunEventType]: { runId: string; seq: number; type: Type; payload: RunEventPayloads[Type]; createdAt: Date };
}[RunEventType];

// How the engine's in-memory runs, tasks and events map to table rows (column name → value).
import type { RunEvent } from "../events/run-events";
import type { RunCounts, RunInfo, RunMetrics, RunStatus, TaskKind, TaskStatus } from "../types";

/** The engine's in-memory view of a run row; writers read it when they write. */
export interface StoredRun extends RunInfo {
  status: RunStatus;
  counts: RunCounts;
  metrics: RunMetrics | null;
  queuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
}

export interface StoredTask {
  id: string;
  runId: string;
  key: string;
  /** The registered task type. */
  type: string;
  /** The budget its type draws from. */
  kind: TaskKind;
  dependsOn: string[];
  /** The input as stored (JSON text), serialised once when the task is created. */
  inputJson: string;
  /** The output as stored (JSON text), kept so it is serialised once. */
  outputJson: string | null;
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  position: number;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
}

/** A row's values in the order of its column list (bound positionally: no object per row). */
export type Row = Array<string | number | null>;

export const RUN_COLUMNS = [
  "id", "kind", "teamId", "ownerId", "subjectId", "settings", "queuedAt",
  "status", "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "startedAt", "endedAt",
] as const;
/** The columns an update sets; its row ends with the id it is for. */
export const RUN_CHANGE_COLUMNS = ["status", "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "startedAt", "endedAt"] as const;
export const TASK_COLUMNS = [
  "id", "runId", "key", "type", "kind", "dependsOn", "input", "position",
  "output", "status", "attempts", "lastError", "startedAt", "endedAt", "durationMs",
] as const;
export const TASK_CHANGE_COLUMNS = ["output", "status", "attempts", "lastError", "startedAt", "endedAt", "durationMs"] as const;
export const EVENT_COLUMNS = ["runId", "seq", "type", "payload", "createdAt"] as const;

/**
 * The texts of the last few times formatted. A batch's rows share a handful of milliseconds (each
 * task's start and end, its events), but alternate between them, so one is not enough.
 */
const RECENT_TIMES = 16;
const recentMilliseconds: number[] = new Array<number>(RECENT_TIMES).fill(Number.NaN);
const recentTexts: string[] = new Array<string>(RECENT_TIMES).fill("");
let nextSlot = 0;

/** The Prisma SQLite adapter stores DateTime as ISO 8601 text with an explicit offset; match it. */
export function sqliteTime(milliseconds: number | null): string | null {
  if (milliseconds === null) return null;
  for (let slot = 0; slot < RECENT_TIMES; slot++) {
    if (recentMilliseconds[slot] === milliseconds) return recentTexts[slot]!;
  }
  const text = new Date(milliseconds).toISOString().slice(0, -1) + "+00:00";
  recentMilliseconds[nextSlot] = milliseconds;
  recentTexts[nextSlot] = text;
  nextSlot = (nextSlot + 1) % RECENT_TIMES;
  return text;
}

export function runRow(run: StoredRun): Row {
  return [run.id, run.kind, run.teamId, run.ownerId, run.subjectId, JSON.stringify(run.settings), sqliteTime(run.queuedAt), ...runState(run)];
}

/** RUN_CHANGE_COLUMNS, then the id. */
export function runChanges(run: StoredRun): Row {
  return [...runState(run), run.id];
}

/** The values of RUN_CHANGE_COLUMNS: what changes as a run progresses. */
function runState(run: StoredRun): Row {
  const { counts } = run;
  return [
    run.status,
    counts.total,
    counts.succeeded,
    counts.failed,
    counts.skipped,
    counts.cancelled,
    run.metrics ? JSON.stringify(run.metrics) : null,
    sqliteTime(run.startedAt),
    sqliteTime(run.endedAt),
  ];
}

export function taskRow(task: StoredTask): Row {
  return [task.id, task.runId, task.key, task.type, task.kind, JSON.stringify(task.dependsOn), task.inputJson, task.position, ...taskState(task)];
}

/** TASK_CHANGE_COLUMNS, then the id: an update never re-serialises the input. */
export function taskChanges(task: StoredTask): Row {
  return [...taskState(task), task.id];
}

/** The values of TASK_CHANGE_COLUMNS: what changes as a task runs. */
function taskState(task: StoredTask): Row {
  return [
    task.outputJson,
    task.status,
    task.attempts,
    task.lastError,
    sqliteTime(task.startedAt),
    sqliteTime(task.endedAt),
    task.durationMs,
  ];
}

export function eventRow(event: RunEvent): Row {
  return [event.runId, event.seq, event.type, JSON.stringify(event.payload), sqliteTime(event.createdAt.getTime())];
}

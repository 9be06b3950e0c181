// How the engine's in-memory runs, tasks and events map to table rows (column name → value).
import type { RunEvent } from "./run-events";
import type { RunCounts, RunMetrics, RunSettings, RunStatus, TaskKind, TaskStatus } from "./types";

/** The engine's in-memory view of a run row; writers read it when they write. */
export interface StoredRun {
  id: string;
  kind: string;
  teamId: string;
  ownerId: string;
  subjectId: string | null;
  settings: RunSettings;
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

export type Row = Record<string, string | number | null>;

export const RUN_COLUMNS = [
  "id", "kind", "teamId", "ownerId", "subjectId", "status", "settings",
  "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "queuedAt", "startedAt", "endedAt",
] as const;
export const RUN_CHANGE_COLUMNS = ["status", "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "startedAt", "endedAt"] as const;
export const TASK_COLUMNS = [
  "id", "runId", "key", "kind", "dependsOn", "input", "output", "status",
  "attempts", "lastError", "position", "startedAt", "endedAt", "durationMs",
] as const;
export const TASK_CHANGE_COLUMNS = ["output", "status", "attempts", "lastError", "startedAt", "endedAt", "durationMs"] as const;
export const EVENT_COLUMNS = ["runId", "seq", "type", "payload", "createdAt"] as const;

/** The Prisma SQLite adapter stores DateTime as ISO 8601 text with an explicit offset; match it. */
export function sqliteTime(milliseconds: number | null): string | null {
  return milliseconds === null ? null : new Date(milliseconds).toISOString().replace("Z", "+00:00");
}

export function runRow(run: StoredRun): Row {
  return {
    id: run.id,
    kind: run.kind,
    teamId: run.teamId,
    ownerId: run.ownerId,
    subjectId: run.subjectId,
    settings: JSON.stringify(run.settings),
    queuedAt: sqliteTime(run.queuedAt),
    ...runChanges(run),
  };
}

export function runChanges(run: StoredRun): Row {
  return {
    id: run.id,
    status: run.status,
    ...run.counts,
    metrics: run.metrics ? JSON.stringify(run.metrics) : null,
    startedAt: sqliteTime(run.startedAt),
    endedAt: sqliteTime(run.endedAt),
  };
}

export function taskRow(task: StoredTask): Row {
  return {
    runId: task.runId,
    key: task.key,
    kind: task.kind,
    dependsOn: JSON.stringify(task.dependsOn),
    input: task.inputJson,
    position: task.position,
    ...taskChanges(task),
  };
}

/** Only the columns that change after insertion, so an update never re-serialises the input. */
export function taskChanges(task: StoredTask): Row {
  return {
    id: task.id,
    output: task.outputJson,
    status: task.status,
    attempts: task.attempts,
    lastError: task.lastError,
    startedAt: sqliteTime(task.startedAt),
    endedAt: sqliteTime(task.endedAt),
    durationMs: task.durationMs,
  };
}

export function eventRow(event: RunEvent): Row {
  return {
    runId: event.runId,
    seq: event.seq,
    type: event.type,
    payload: JSON.stringify(event.payload),
    createdAt: sqliteTime(event.createdAt.getTime()),
  };
}

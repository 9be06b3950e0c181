// Writes the engine's state to the database in group commits: changes made while one
// transaction runs are collected and written by the next one, a few milliseconds later. This is
// what keeps the engine's cost per task in microseconds (one transaction per batch instead of
// several queries per task), and it is safe for crash recovery because everything that belongs
// together (a task's end, the tasks it added, its event) is queued synchronously and therefore
// lands in the same transaction. Statements are plain SQL so that a batch of any size is one
// statement per table.
import type { Database } from "@/server/db";
import type { RunEvent } from "./run-events";
import type { RunCounts, RunMetrics, RunStatus, RunSettings, TaskKind, TaskStatus } from "./types";

/** The engine's in-memory view of a run row; the store reads it when it writes. */
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

interface Batch {
  newRuns: Set<StoredRun>;
  changedRuns: Set<StoredRun>;
  newTasks: Set<StoredTask>;
  changedTasks: Set<StoredTask>;
  events: RunEvent[];
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface RunStore {
  insertRun(run: StoredRun): void;
  updateRun(run: StoredRun): void;
  insertTask(task: StoredTask): void;
  updateTask(task: StoredTask): void;
  appendEvent(event: RunEvent): void;
  /** Resolves once everything queued so far is committed. */
  committed(): Promise<void>;
  /** Writes what is queued now instead of waiting for the interval. */
  flush(): Promise<void>;
}

export interface RunStoreOptions {
  /** How long changes are collected before they are written. */
  writeIntervalMs: number;
  /** Called after each commit with its events, in order, so they can be published. */
  onCommit(events: RunEvent[]): void;
  onError(error: unknown): void;
}

// SQLite accepts 32766 bound values per statement; 14 columns × 500 rows stays well below.
const ROWS_PER_STATEMENT = 500;

export function createRunStore(db: Database, options: RunStoreOptions): RunStore {
  let pending = newBatch();
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (timer || writing) return;
    timer = setTimeout(write, options.writeIntervalMs);
  };

  const write = async () => {
    timer = null;
    if (writing || isEmpty(pending)) return;
    const batch = pending;
    pending = newBatch();
    writing = (async () => {
      try {
        const statements = buildStatements(batch);
        await db.$transaction(statements.map(([sql, parameters]) => db.$executeRawUnsafe(sql, ...parameters)));
        batch.resolve();
        options.onCommit(batch.events);
      } catch (error) {
        batch.reject(error);
        options.onError(error);
      }
    })();
    await writing;
    writing = null;
    if (!isEmpty(pending)) schedule();
  };

  return {
    insertRun(run) {
      pending.newRuns.add(run);
      schedule();
    },
    updateRun(run) {
      pending.changedRuns.add(run);
      schedule();
    },
    insertTask(task) {
      pending.newTasks.add(task);
      schedule();
    },
    updateTask(task) {
      pending.changedTasks.add(task);
      schedule();
    },
    appendEvent(event) {
      pending.events.push(event);
      schedule();
    },
    committed() {
      if (isEmpty(pending)) return writing ?? Promise.resolve();
      return pending.committed;
    },
    async flush() {
      while (writing || !isEmpty(pending)) {
        if (writing) {
          await writing;
          continue;
        }
        if (timer) clearTimeout(timer);
        await write();
      }
    },
  };
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  // Nobody may be waiting for this batch; its failure is reported through onError.
  committed.catch(() => {});
  return { newRuns: new Set(), changedRuns: new Set(), newTasks: new Set(), changedTasks: new Set(), events: [], committed, resolve, reject };
}

function isEmpty(batch: Batch): boolean {
  return (
    batch.newRuns.size === 0 &&
    batch.changedRuns.size === 0 &&
    batch.newTasks.size === 0 &&
    batch.changedTasks.size === 0 &&
    batch.events.length === 0
  );
}

type Statement = [sql: string, parameters: unknown[]];

/** The adapter stores DateTime as ISO 8601 text with an explicit offset; match it. */
export function sqliteTime(milliseconds: number | null): string | null {
  return milliseconds === null ? null : new Date(milliseconds).toISOString().replace("Z", "+00:00");
}

function buildStatements(batch: Batch): Statement[] {
  const statements: Statement[] = [];
  // Rows inserted in this batch are written in their latest state, so they need no update.
  const changedRuns = [...batch.changedRuns].filter((run) => !batch.newRuns.has(run));
  const changedTasks = [...batch.changedTasks].filter((task) => !batch.newTasks.has(task));

  for (const rows of chunks([...batch.newRuns])) {
    statements.push(insert("run", RUN_COLUMNS, rows.map(runRow)));
  }
  for (const rows of chunks([...batch.newTasks])) {
    statements.push(insert("task", TASK_COLUMNS, rows.map(taskRow)));
  }
  for (const rows of chunks(changedRuns)) {
    statements.push(update("run", RUN_MUTABLE_COLUMNS, rows.map(runChanges)));
  }
  for (const rows of chunks(changedTasks)) {
    statements.push(update("task", TASK_MUTABLE_COLUMNS, rows.map(taskChanges)));
  }
  for (const rows of chunks(batch.events)) {
    statements.push(insert("run_event", EVENT_COLUMNS, rows.map(eventRow)));
  }
  return statements;
}

const RUN_COLUMNS = [
  "id", "kind", "teamId", "ownerId", "subjectId", "status", "settings",
  "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "queuedAt", "startedAt", "endedAt",
] as const;
const RUN_MUTABLE_COLUMNS = ["status", "total", "succeeded", "failed", "skipped", "cancelled", "metrics", "startedAt", "endedAt"] as const;
const TASK_COLUMNS = [
  "id", "runId", "key", "kind", "dependsOn", "input", "output", "status",
  "attempts", "lastError", "position", "startedAt", "endedAt", "durationMs",
] as const;
const TASK_MUTABLE_COLUMNS = ["output", "status", "attempts", "lastError", "startedAt", "endedAt", "durationMs"] as const;
const EVENT_COLUMNS = ["runId", "seq", "type", "payload", "createdAt"] as const;

type Row = Record<string, unknown>;

function runRow(run: StoredRun): Row {
  return {
    id: run.id,
    kind: run.kind,
    teamId: run.teamId,
    ownerId: run.ownerId,
    subjectId: run.subjectId,
    status: run.status,
    settings: JSON.stringify(run.settings),
    ...run.counts,
    metrics: run.metrics ? JSON.stringify(run.metrics) : null,
    queuedAt: sqliteTime(run.queuedAt),
    startedAt: sqliteTime(run.startedAt),
    endedAt: sqliteTime(run.endedAt),
  };
}

function taskRow(task: StoredTask): Row {
  return {
    id: task.id,
    runId: task.runId,
    key: task.key,
    kind: task.kind,
    dependsOn: JSON.stringify(task.dependsOn),
    input: task.inputJson,
    output: task.outputJson,
    status: task.status,
    attempts: task.attempts,
    lastError: task.lastError,
    position: task.position,
    startedAt: sqliteTime(task.startedAt),
    endedAt: sqliteTime(task.endedAt),
    durationMs: task.durationMs,
  };
}

function runChanges(run: StoredRun): Row {
  return {
    id: run.id,
    status: run.status,
    ...run.counts,
    metrics: run.metrics ? JSON.stringify(run.metrics) : null,
    startedAt: sqliteTime(run.startedAt),
    endedAt: sqliteTime(run.endedAt),
  };
}

/** Only the columns that change after insertion, so an update never re-serialises the input. */
function taskChanges(task: StoredTask): Row {
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

function eventRow(event: RunEvent): Row {
  return {
    runId: event.runId,
    seq: event.seq,
    type: event.type,
    payload: JSON.stringify(event.payload),
    createdAt: sqliteTime(event.createdAt.getTime()),
  };
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    result.push(items.slice(start, start + ROWS_PER_STATEMENT));
  }
  return result;
}

function quoted(column: string): string {
  return `"${column}"`;
}

function insert(table: string, columns: readonly string[], rows: Row[]): Statement {
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  const parameters: unknown[] = [];
  for (const row of rows) for (const column of columns) parameters.push(row[column]);
  const sql = `INSERT INTO ${quoted(table)} (${columns.map(quoted).join(", ")}) VALUES ${rows.map(() => placeholders).join(", ")}`;
  return [sql, parameters];
}

/** One UPDATE … FROM (VALUES …) for many rows; rows that no longer exist are skipped. */
function update(table: string, columns: readonly string[], rows: Row[]): Statement {
  const valueColumns = ["id", ...columns];
  const placeholders = `(${valueColumns.map(() => "?").join(", ")})`;
  const parameters: unknown[] = [];
  for (const row of rows) for (const column of valueColumns) parameters.push(row[column]);
  // VALUES names its columns column1, column2, …; column1 is the id.
  const assignments = columns.map((column, index) => `${quoted(column)} = changed.column${index + 2}`).join(", ");
  const sql =
    `UPDATE ${quoted(table)} SET ${assignments} ` +
    `FROM (VALUES ${rows.map(() => placeholders).join(", ")}) AS changed ` +
    `WHERE ${quoted(table)}."id" = changed.column1`;
  return [sql, parameters];
}

// The engine's writer for the embedded SQLite database: its own better-sqlite3 connection with
// prepared statements, one short synchronous transaction per batch. Going through Prisma costs
// hundreds of microseconds per statement and microseconds per bound value; this costs about two
// microseconds per row, which is what keeps the engine's own work per task in microseconds.
//
// WAL lets the app's Prisma connection read while the engine writes; synchronous=NORMAL skips
// the fsync on each commit, and a committed transaction still survives the process being killed
// (only a power cut can lose the last ones). The transaction never spans an await, and a busy
// database is retried later instead of waited for, so the event loop is never blocked on a lock.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { sqliteFilePath } from "@/server/sqlite-path";
import type { Batch, BatchWriter } from "./run-store";
import {
  EVENT_COLUMNS,
  eventRow,
  RUN_CHANGE_COLUMNS,
  RUN_COLUMNS,
  runChanges,
  runRow,
  TASK_CHANGE_COLUMNS,
  TASK_COLUMNS,
  taskChanges,
  taskRow,
  type Row,
} from "./run-rows";

const BUSY_RETRY_MS = 5;
/**
 * Rows per multi-row INSERT or UPDATE. A statement call costs about as much as the row it writes,
 * so rows are written in chunks and only the remainder one by one.
 */
export const ROWS_PER_STATEMENT = 32;

export function createSqliteBatchWriter(databaseUrl: string): BatchWriter {
  const file = sqliteFilePath(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = new Database(file, { timeout: 0 });
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");

  const insertRun = connection.prepare(insertSql("run", RUN_COLUMNS, 1));
  const updateRun = connection.prepare(updateSql("run", RUN_CHANGE_COLUMNS));
  const insertTasks = rowInserter(connection, "task", TASK_COLUMNS, taskRow);
  const updateTasks = rowUpdater(connection, "task", TASK_CHANGE_COLUMNS, taskChanges);
  const insertEvents = rowInserter(connection, "run_event", EVENT_COLUMNS, eventRow);

  const writeBatch = connection.transaction((batch: Batch) => {
    for (const run of batch.newRuns) insertRun.run(runRow(run));
    insertTasks(batch.newTasks);
    // Rows inserted in this batch were written in their latest state already.
    for (const run of batch.changedRuns) if (!batch.newRuns.has(run)) updateRun.run(runChanges(run));
    updateTasks(batch.changedTasks, batch.newTasks);
    insertEvents(batch.events);
  });

  return {
    async write(batch) {
      for (;;) {
        try {
          writeBatch.immediate(batch);
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "SQLITE_BUSY") throw error;
          await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
        }
      }
    },
    close() {
      if (connection.open) connection.close();
    },
  };
}

/** Inserts items as rows, ROWS_PER_STATEMENT at a time, then the remainder one by one, in order. */
function rowInserter<Item>(
  connection: Database.Database,
  table: string,
  columns: readonly string[],
  toRow: (item: Item) => Row,
): (items: Iterable<Item>) => void {
  const single = connection.prepare(insertSql(table, columns, 1));
  const chunk = connection.prepare(insertSql(table, columns, ROWS_PER_STATEMENT));
  // Reused for every chunk: the values of ROWS_PER_STATEMENT rows, one after the other.
  const values: Row = new Array(columns.length * ROWS_PER_STATEMENT);
  return (items) => {
    const rows: Row[] = [];
    for (const item of items) {
      rows.push(toRow(item));
      if (rows.length < ROWS_PER_STATEMENT) continue;
      let index = 0;
      for (const row of rows) for (const value of row) values[index++] = value;
      chunk.run(values);
      rows.length = 0;
    }
    for (const row of rows) single.run(row);
  };
}

/** Updates the rows of items not in `skipped`, ROWS_PER_STATEMENT at a time, then the remainder one by one. */
function rowUpdater<Item>(
  connection: Database.Database,
  table: string,
  columns: readonly string[],
  toRow: (item: Item) => Row,
): (items: Iterable<Item>, skipped: ReadonlySet<Item>) => void {
  const single = connection.prepare(updateSql(table, columns));
  const chunk = connection.prepare(updateManySql(table, columns, ROWS_PER_STATEMENT));
  const values: Row = new Array(columns.length * ROWS_PER_STATEMENT + ROWS_PER_STATEMENT);
  return (items, skipped) => {
    const rows: Row[] = [];
    for (const item of items) {
      if (skipped.has(item)) continue;
      rows.push(toRow(item));
      if (rows.length < ROWS_PER_STATEMENT) continue;
      let index = 0;
      for (const row of rows) for (const value of row) values[index++] = value;
      chunk.run(values);
      rows.length = 0;
    }
    for (const row of rows) single.run(row);
  };
}

// Values are bound by position, from arrays in column order: no object per row.
function insertSql(table: string, columns: readonly string[], rows: number): string {
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}`;
}

/** Rows of an update list the changed columns, then the id. */
function updateSql(table: string, columns: readonly string[]): string {
  return `UPDATE "${table}" SET ${columns.map((column) => `"${column}" = ?`).join(", ")} WHERE "id" = ?`;
}

/** One UPDATE … FROM (VALUES …) for `rows` rows (ids unique); VALUES names its columns column1, column2, … */
function updateManySql(table: string, columns: readonly string[], rows: number): string {
  const placeholders = `(${[...columns, "id"].map(() => "?").join(", ")})`;
  const assignments = columns.map((column, index) => `"${column}" = changed.column${index + 1}`).join(", ");
  return (
    `UPDATE "${table}" SET ${assignments} ` +
    `FROM (VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}) AS changed ` +
    `WHERE "${table}"."id" = changed.column${columns.length + 1}`
  );
}

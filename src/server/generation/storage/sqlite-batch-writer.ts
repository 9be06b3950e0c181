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
import { insertSql, updateManySql, updateSql } from "./sql";
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
  const insertTasks = chunkedWriter(
    connection.prepare(insertSql("task", TASK_COLUMNS, 1)),
    connection.prepare(insertSql("task", TASK_COLUMNS, ROWS_PER_STATEMENT)),
    TASK_COLUMNS.length,
  );
  // An update's row is its changed columns, then the id.
  const updateTasks = chunkedWriter(
    connection.prepare(updateSql("task", TASK_CHANGE_COLUMNS)),
    connection.prepare(updateManySql("task", TASK_CHANGE_COLUMNS, ROWS_PER_STATEMENT)),
    TASK_CHANGE_COLUMNS.length + 1,
  );
  const insertEvents = chunkedWriter(
    connection.prepare(insertSql("run_event", EVENT_COLUMNS, 1)),
    connection.prepare(insertSql("run_event", EVENT_COLUMNS, ROWS_PER_STATEMENT)),
    EVENT_COLUMNS.length,
  );

  const writeBatch = connection.transaction((batch: Batch) => {
    for (const run of batch.newRuns) insertRun.run(...runRow(run));
    insertTasks(Array.from(batch.newTasks, taskRow));
    // Rows inserted in this batch were written in their latest state already.
    for (const run of batch.changedRuns) if (!batch.newRuns.has(run)) updateRun.run(...runChanges(run));
    const changedTasks: Row[] = [];
    for (const task of batch.changedTasks) if (!batch.newTasks.has(task)) changedTasks.push(taskChanges(task));
    updateTasks(changedTasks);
    insertEvents(batch.events.map(eventRow));
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

/**
 * Writes rows in order: ROWS_PER_STATEMENT at a time through `chunk` (the same statement repeated
 * for that many rows), the remainder one by one through `single`.
 */
function chunkedWriter(single: Database.Statement, chunk: Database.Statement, columns: number): (rows: Row[]) => void {
  // Values are passed as arguments (spread), not as one array: better-sqlite3 reads an array
  // element by element through the V8 API, which costs more than the spread.
  // Reused for every chunk: the values of ROWS_PER_STATEMENT rows, one after the other.
  const values: Row = new Array(columns * ROWS_PER_STATEMENT);
  return (rows) => {
    let next = 0;
    for (; next + ROWS_PER_STATEMENT <= rows.length; next += ROWS_PER_STATEMENT) {
      let index = 0;
      for (let row = next; row < next + ROWS_PER_STATEMENT; row++) for (const value of rows[row]!) values[index++] = value;
      chunk.run(...values);
    }
    for (; next < rows.length; next++) single.run(...rows[next]!);
  };
}

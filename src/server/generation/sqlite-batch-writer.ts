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
} from "./run-rows";

const BUSY_RETRY_MS = 5;

export function createSqliteBatchWriter(databaseUrl: string): BatchWriter {
  const file = sqliteFilePath(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const connection = new Database(file, { timeout: 0 });
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("foreign_keys = ON");

  const insertRun = connection.prepare(insertSql("run", RUN_COLUMNS));
  const updateRun = connection.prepare(updateSql("run", RUN_CHANGE_COLUMNS));
  const insertTask = connection.prepare(insertSql("task", TASK_COLUMNS));
  const updateTask = connection.prepare(updateSql("task", TASK_CHANGE_COLUMNS));
  const insertEvent = connection.prepare(insertSql("run_event", EVENT_COLUMNS));

  const writeBatch = connection.transaction((batch: Batch) => {
    for (const run of batch.newRuns) insertRun.run(runRow(run));
    for (const task of batch.newTasks) insertTask.run(taskRow(task));
    // Rows inserted in this batch were written in their latest state already.
    for (const run of batch.changedRuns) if (!batch.newRuns.has(run)) updateRun.run(runChanges(run));
    for (const task of batch.changedTasks) if (!batch.newTasks.has(task)) updateTask.run(taskChanges(task));
    for (const event of batch.events) insertEvent.run(eventRow(event));
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

// Values are bound by position, from arrays in column order: no object per row.
function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** Rows of an update list the changed columns, then the id. */
function updateSql(table: string, columns: readonly string[]): string {
  return `UPDATE "${table}" SET ${columns.map((column) => `"${column}" = ?`).join(", ")} WHERE "id" = ?`;
}

// The engine's writer through Prisma raw SQL, on SQLite or PostgreSQL: one multi-row statement per
// table and batch. Slower per row than the writers with connections of their own (Prisma's cost
// per statement and per bound value), so the app uses those (batch-writer.ts).
import { databaseKind, type Database } from "@/server/db";
import type { Batch, BatchWriter } from "./run-store";
import { insertSql, updateManySql, type Dialect } from "./sql";
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

// SQLite accepts 32766 bound values per statement, PostgreSQL 65535; 16 columns × 500 rows stays
// well below both.
const ROWS_PER_STATEMENT = 500;

type Statement = [sql: string, parameters: unknown[]];

export function createPrismaBatchWriter(db: Database): BatchWriter {
  return {
    async write(batch) {
      const statements = buildStatements(batch, databaseKind(db));
      await db.$transaction(statements.map(([sql, parameters]) => db.$executeRawUnsafe(sql, ...parameters)));
    },
    close() {},
  };
}

function buildStatements(batch: Batch, dialect: Dialect): Statement[] {
  const statements: Statement[] = [];
  // Rows inserted in this batch are written in their latest state, so they need no update.
  const changedRuns = [...batch.changedRuns].filter((run) => !batch.newRuns.has(run));
  const changedTasks = [...batch.changedTasks].filter((task) => !batch.newTasks.has(task));
  for (const rows of chunks([...batch.newRuns])) statements.push(insert("run", RUN_COLUMNS, rows.map(runRow), dialect));
  for (const rows of chunks([...batch.newTasks])) statements.push(insert("task", TASK_COLUMNS, rows.map(taskRow), dialect));
  for (const rows of chunks(changedRuns)) statements.push(update("run", RUN_CHANGE_COLUMNS, rows.map(runChanges), dialect));
  for (const rows of chunks(changedTasks)) statements.push(update("task", TASK_CHANGE_COLUMNS, rows.map(taskChanges), dialect));
  for (const rows of chunks(batch.events)) statements.push(insert("run_event", EVENT_COLUMNS, rows.map(eventRow), dialect));
  return statements;
}

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    result.push(items.slice(start, start + ROWS_PER_STATEMENT));
  }
  return result;
}

function insert(table: string, columns: readonly string[], rows: Row[], dialect: Dialect): Statement {
  return [insertSql(table, columns, rows.length, dialect), rows.flat()];
}

function update(table: string, columns: readonly string[], rows: Row[], dialect: Dialect): Statement {
  return [updateManySql(table, columns, rows.length, dialect), rows.flat()];
}

// The engine's writer for PostgreSQL: a pg connection of its own (not Prisma's, whose cost per
// statement and per bound value is what the SQLite writer avoids too), one transaction per batch,
// one multi-row statement per table and chunk of rows. Statements are prepared by name, once per
// connection and shape (table, rows in it), and a batch costs a few round trips however many rows
// it carries.
import pg from "pg";
import type { Batch, BatchWriter } from "./run-store";
import { insertSql, updateManySql } from "./sql";
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

/** Rows per statement: 16 columns × 500 rows stays far below PostgreSQL's 65535 bound values. */
export const POSTGRES_ROWS_PER_STATEMENT = 500;

interface Statement {
  name: string;
  text: string;
  values: Row;
}

export function createPostgresBatchWriter(databaseUrl: string): BatchWriter {
  // Batches are written one after another, so one connection is enough; the pool reconnects it.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on("error", (error) => console.error("The engine's PostgreSQL connection failed", error));

  return {
    async write(batch) {
      const statements = buildStatements(batch);
      if (statements.length === 0) return;
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (const statement of statements) await client.query(statement);
        await client.query("COMMIT");
        client.release();
      } catch (error) {
        // A connection that failed mid-transaction is dropped, not reused.
        await client.query("ROLLBACK").catch(() => {});
        client.release(error instanceof Error ? error : true);
        throw error;
      }
    },
    close() {
      pool.end().catch(() => {});
    },
  };
}

function buildStatements(batch: Batch): Statement[] {
  const statements: Statement[] = [];
  // Rows inserted in this batch are written in their latest state, so they need no update.
  const changedRuns: Row[] = [];
  for (const run of batch.changedRuns) if (!batch.newRuns.has(run)) changedRuns.push(runChanges(run));
  const changedTasks: Row[] = [];
  for (const task of batch.changedTasks) if (!batch.newTasks.has(task)) changedTasks.push(taskChanges(task));
  chunked(statements, "insert", "run", RUN_COLUMNS, Array.from(batch.newRuns, runRow));
  chunked(statements, "insert", "task", TASK_COLUMNS, Array.from(batch.newTasks, taskRow));
  chunked(statements, "update", "run", RUN_CHANGE_COLUMNS, changedRuns);
  chunked(statements, "update", "task", TASK_CHANGE_COLUMNS, changedTasks);
  chunked(statements, "insert", "run_event", EVENT_COLUMNS, batch.events.map(eventRow));
  return statements;
}

function chunked(statements: Statement[], action: "insert" | "update", table: string, columns: readonly string[], rows: Row[]): void {
  for (let start = 0; start < rows.length; start += POSTGRES_ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + POSTGRES_ROWS_PER_STATEMENT);
    const text = action === "insert" ? insertSql(table, columns, chunk.length, "postgres") : updateManySql(table, columns, chunk.length, "postgres");
    statements.push({ name: `storyforge-${action}-${table}-${chunk.length}`, text, values: chunk.flat() });
  }
}

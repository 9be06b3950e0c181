// The engine's writers store the same rows: the app's writer for the database under test (its
// own SQLite or PostgreSQL connection) and the one through Prisma raw SQL. A run and its tasks
// inserted, then updated, with their events, read back through Prisma.
import { afterAll, expect, test } from "vitest";
import { createBatchWriter } from "@/server/generation/storage/batch-writer";
import { POSTGRES_ROWS_PER_STATEMENT } from "@/server/generation/storage/postgres-batch-writer";
import { createPrismaBatchWriter } from "@/server/generation/storage/prisma-batch-writer";
import type { RunEvent } from "@/server/generation/events/run-events";
import type { StoredRun, StoredTask } from "@/server/generation/storage/run-rows";
import type { Batch, BatchWriter } from "@/server/generation/storage/run-store";
import { ROWS_PER_STATEMENT as SQLITE_ROWS_PER_STATEMENT } from "@/server/generation/storage/sqlite-batch-writer";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { usingPostgres } from "../helpers/postgres-database";

const ROWS_PER_STATEMENT = usingPostgres() ? POSTGRES_ROWS_PER_STATEMENT : SQLITE_ROWS_PER_STATEMENT;

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const database of databases) await database.cleanup();
});

const QUEUED_AT = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

function storedRun(): StoredRun {
  return {
    id: "run-1",
    kind: "pipeline",
    teamId: "team-a",
    ownerId: "user-a",
    subjectId: "subject-1",
    settings: { maxWorkers: 3, options: { style: "ink" } },
    status: "queued",
    counts: { total: 2, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
    metrics: null,
    queuedAt: QUEUED_AT,
    startedAt: null,
    endedAt: null,
  };
}

function storedTask(index: number): StoredTask {
  return {
    id: `task-${index}`,
    runId: "run-1",
    key: `image-${index}`,
    type: "pipeline.image",
    kind: "image",
    dependsOn: index === 2 ? ["image-1"] : [],
    inputJson: JSON.stringify({ prompt: `picture ${index}` }),
    outputJson: null,
    status: "queued",
    attempts: 0,
    lastError: null,
    position: index - 1,
    startedAt: null,
    endedAt: null,
    durationMs: null,
  };
}

function batch(fields: Partial<Batch>): Batch {
  return { newRuns: new Set(), changedRuns: new Set(), newTasks: new Set(), changedTasks: new Set(), events: [], ...fields };
}

async function writeAndRead(createWriter: (database: TestDatabase) => BatchWriter) {
  const database = await createTestDatabase();
  databases.push(database);
  const writer = createWriter(database);
  const run = storedRun();
  const tasks = [storedTask(1), storedTask(2)];
  await writer.write(batch({ newRuns: new Set([run]), newTasks: new Set(tasks) }));

  run.status = "running";
  run.startedAt = QUEUED_AT + 10;
  Object.assign(tasks[0]!, {
    status: "succeeded",
    attempts: 2,
    outputJson: JSON.stringify({ file: "image-1.png" }),
    startedAt: QUEUED_AT + 11,
    endedAt: QUEUED_AT + 20,
    durationMs: 9,
  });
  Object.assign(tasks[1]!, { status: "failed", attempts: 1, lastError: "bad-request: no", startedAt: QUEUED_AT + 21, endedAt: QUEUED_AT + 22, durationMs: 1 });
  run.counts = { total: 2, succeeded: 1, failed: 1, skipped: 0, cancelled: 0 };
  const events: RunEvent[] = [
    { runId: "run-1", seq: 1, type: "run-start", payload: { total: 2, resumed: false }, createdAt: new Date(QUEUED_AT + 10) },
    { runId: "run-1", seq: 2, type: "task-end", payload: { key: "image-1", status: "succeeded", attempts: 2, durationMs: 9, output: { file: "image-1.png" } }, createdAt: new Date(QUEUED_AT + 20) },
  ];
  await writer.write(batch({ changedRuns: new Set([run]), changedTasks: new Set(tasks), events }));
  writer.close();

  const db = database.db;
  return {
    run: await db.run.findUnique({ where: { id: "run-1" } }),
    tasks: await db.task.findMany({ where: { runId: "run-1" }, orderBy: { position: "asc" } }),
    events: await db.runEvent.findMany({ where: { runId: "run-1" }, orderBy: { seq: "asc" } }),
  };
}

test("the app's writer and the Prisma writer store the same rows", async () => {
  const app = await writeAndRead((database) => createBatchWriter(database.url));
  const prisma = await writeAndRead((database) => createPrismaBatchWriter(database.db));
  expect(app).toEqual(prisma);
  expect(app.run).toMatchObject({ status: "running", succeeded: 1, failed: 1, startedAt: new Date(QUEUED_AT + 10), queuedAt: new Date(QUEUED_AT) });
  expect(app.tasks.map((task) => [task.key, task.status, task.attempts, task.output, task.lastError, task.durationMs])).toEqual([
    ["image-1", "succeeded", 2, '{"file":"image-1.png"}', null, 9],
    ["image-2", "failed", 1, null, "bad-request: no", 1],
  ]);
  expect(app.tasks[0]!.endedAt).toEqual(new Date(QUEUED_AT + 20));
  expect(app.events.map((event) => [event.seq, event.type, JSON.parse(event.payload)])).toEqual([
    [1, "run-start", { total: 2, resumed: false }],
    [2, "task-end", { key: "image-1", status: "succeeded", attempts: 2, durationMs: 9, output: { file: "image-1.png" } }],
  ]);
});

// The app's writer inserts and updates rows in chunks of ROWS_PER_STATEMENT, and the remainder one
// by one (SQLite) or in one shorter statement (PostgreSQL).
async function writeManyAndRead(createWriter: (database: TestDatabase) => BatchWriter) {
  const database = await createTestDatabase();
  databases.push(database);
  const writer = createWriter(database);
  const run = storedRun();
  const tasks = Array.from({ length: ROWS_PER_STATEMENT + 3 }, (_, index) => ({ ...storedTask(index + 1), id: `task-${index + 1}`, dependsOn: [] }));
  run.counts.total = tasks.length;
  // A task inserted in a batch is written in its latest state; it needs no update in the same batch.
  await writer.write(batch({ newRuns: new Set([run]), newTasks: new Set(tasks), changedTasks: new Set(tasks.slice(0, 2)) }));
  tasks.forEach((task, index) => {
    Object.assign(task, {
      status: index % 2 === 0 ? "succeeded" : "failed",
      attempts: index + 1,
      outputJson: index % 2 === 0 ? JSON.stringify({ file: `image-${index}.png` }) : null,
      lastError: index % 2 === 0 ? null : `failed ${index}`,
      startedAt: QUEUED_AT + index,
      endedAt: QUEUED_AT + 2 * index,
      durationMs: index,
    });
  });
  const events: RunEvent[] = Array.from({ length: 2 * ROWS_PER_STATEMENT + 5 }, (_, index) => ({
    runId: "run-1",
    seq: index + 1,
    type: "task-start",
    payload: { key: `image-${index}`, kind: "image" },
    createdAt: new Date(QUEUED_AT + index),
  }));
  await writer.write(batch({ changedTasks: new Set(tasks), events }));
  writer.close();

  const db = database.db;
  return {
    tasks: await db.task.findMany({ where: { runId: "run-1" }, orderBy: { position: "asc" } }),
    events: await db.runEvent.findMany({ where: { runId: "run-1" }, orderBy: { seq: "asc" } }),
  };
}

test("rows inserted and updated in chunks and one by one are the same rows the Prisma writer stores", async () => {
  const app = await writeManyAndRead((database) => createBatchWriter(database.url));
  const prisma = await writeManyAndRead((database) => createPrismaBatchWriter(database.db));
  expect(app).toEqual(prisma);
  expect(app.tasks.map((task) => [task.id, task.key, task.position, task.input, task.status, task.attempts, task.lastError, task.durationMs])).toEqual(
    Array.from({ length: ROWS_PER_STATEMENT + 3 }, (_, index) => [
      `task-${index + 1}`,
      `image-${index + 1}`,
      index,
      JSON.stringify({ prompt: `picture ${index + 1}` }),
      index % 2 === 0 ? "succeeded" : "failed",
      index + 1,
      index % 2 === 0 ? null : `failed ${index}`,
      index,
    ]),
  );
  expect(app.tasks.map((task) => [task.output, task.startedAt, task.endedAt])).toEqual(
    Array.from({ length: ROWS_PER_STATEMENT + 3 }, (_, index) => [
      index % 2 === 0 ? JSON.stringify({ file: `image-${index}.png` }) : null,
      new Date(QUEUED_AT + index),
      new Date(QUEUED_AT + 2 * index),
    ]),
  );
  expect(app.events.map((event) => [event.seq, JSON.parse(event.payload), event.createdAt])).toEqual(
    Array.from({ length: 2 * ROWS_PER_STATEMENT + 5 }, (_, index) => [index + 1, { key: `image-${index}`, kind: "image" }, new Date(QUEUED_AT + index)]),
  );
});

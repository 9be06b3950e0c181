// The engine's group commits when the database refuses one run's rows: a batch refused whole is
// written again run by run, so the other runs' rows and events still land and are published (a
// run another worker took over writes events whose numbers its new holder uses too). And a run
// the process let go of has nothing more of it written.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { RunEvent } from "@/server/generation/events/run-events";
import { createBatchWriter } from "@/server/generation/storage/batch-writer";
import type { StoredRun } from "@/server/generation/storage/run-rows";
import { createRunStore } from "@/server/generation/storage/run-store";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.cleanup();
});

function storedRun(id: string): StoredRun {
  return {
    id,
    kind: "pipeline",
    teamId: "team-a",
    ownerId: "user-a",
    subjectId: null,
    settings: { maxWorkers: 1, options: {} },
    status: "queued",
    counts: { total: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
    metrics: null,
    queuedAt: Date.now(),
    startedAt: null,
    endedAt: null,
  };
}

const event = (runId: string, seq: number): RunEvent => ({ runId, seq, type: "run-start", payload: {}, createdAt: new Date() }) as unknown as RunEvent;

function storeWithLog() {
  const published: RunEvent[] = [];
  const errors: unknown[] = [];
  const store = createRunStore(createBatchWriter(database.url), {
    writeIntervalMs: 1_000,
    onCommit: (events) => published.push(...events),
    onError: (error) => errors.push(error),
  });
  return { store, published, errors };
}

test("one run's refused rows do not take the other runs' writes down with them", async () => {
  const { store, published, errors } = storeWithLog();
  const taken = storedRun("run-taken-over");
  const other = storedRun("run-other");
  store.insertRun(taken);
  store.insertRun(other);
  store.appendEvent(event(taken.id, 1));
  await store.flush();
  expect(errors).toEqual([]);

  // Event 1 of the taken-over run is already stored (by its new holder): that part is refused.
  store.appendEvent(event(taken.id, 1));
  other.status = "running";
  store.updateRun(other);
  store.appendEvent(event(other.id, 1));
  store.appendEvent(event(other.id, 2));
  await store.committed();
  await store.flush();

  expect(errors).toHaveLength(1);
  const stored = await database.db.runEvent.findMany({ where: { runId: other.id }, orderBy: { seq: "asc" } });
  expect(stored.map((row) => row.seq)).toEqual([1, 2]);
  expect((await database.db.run.findUnique({ where: { id: other.id } }))?.status).toBe("running");
  expect(published.filter((item) => item.runId === other.id).map((item) => item.seq)).toEqual([1, 2]);
  expect(published.filter((item) => item.runId === taken.id).map((item) => item.seq)).toEqual([1]);
});

test("a run let go of has nothing more written of what it queued", async () => {
  const { store, errors } = storeWithLog();
  const released = storedRun("run-released");
  const kept = storedRun("run-kept");
  store.insertRun(released);
  store.insertRun(kept);
  await store.flush();
  store.appendEvent(event(released.id, 1));
  released.status = "running";
  store.updateRun(released);
  store.appendEvent(event(kept.id, 1));
  store.forget(released.id);
  await store.flush();
  expect(errors).toEqual([]);
  expect(await database.db.runEvent.count({ where: { runId: released.id } })).toBe(0);
  expect((await database.db.run.findUnique({ where: { id: released.id } }))?.status).toBe("queued");
  expect(await database.db.runEvent.count({ where: { runId: kept.id } })).toBe(1);
});

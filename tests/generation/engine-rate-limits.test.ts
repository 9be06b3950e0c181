// The engine against a provider that allows 1.5 text calls a second (burst 2) at 150 ms a call,
// in real time, without quota headers: only its 429s and their Retry-After tell the engine.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { createTestEngine } from "./engine-fixtures";
import { rateLimitedTaskTypes, refusalShare, sentInsideRetryAfter, tasksOf, TEXT_MODEL, type LoggedCall } from "./rate-limit-fixtures";

let database: TestDatabase;
let fake: FakeProvider;

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeProvider({ seed: 3, models: { [TEXT_MODEL]: { latencyMs: 150, rateLimit: { ratePerSecond: 1.5, burst: 2 } } } });
});
afterAll(async () => {
  await fake.close();
  await database.cleanup();
});

test("at 1.5 calls a second every task of a 20-task run succeeds, and no call goes out inside a Retry-After", async () => {
  const engine = createTestEngine(database, { retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 1_000 } });
  const log: LoggedCall[] = [];
  engine.registerTaskTypes(rateLimitedTaskTypes(fake.url, log));
  try {
    const startedAt = performance.now();
    const runId = await engine.submitRun({ kind: "rated", teamId: "team", ownerId: "user", maxWorkers: 20, tasks: tasksOf("text", 20) });
    const run = await engine.waitForRun(runId);
    const elapsedMs = performance.now() - startedAt;

    expect(run.status).toBe("succeeded");
    expect(run.counts.succeeded).toBe(20);
    expect(sentInsideRetryAfter(log, "text")).toEqual([]);
    const share = refusalShare(fake.attempts(), TEXT_MODEL);
    console.log(`1.5/s, burst 2, 150 ms, 20 tasks: ${share.refused} of ${share.attempts} calls refused (${share.share}), ${elapsedMs.toFixed(0)} ms`);
    // The cold engine's first flight (half the cap, 10 calls) meets a burst of 2: 8 refusals
    // that nothing could have avoided. After it, the budget paces at the rate it estimated.
    const firstFlightRefusals = 8;
    expect(share.refused - firstFlightRefusals).toBeLessThanOrEqual(3);
    expect(run.metrics!.retries).toBe(0);
    // 18 calls beyond the burst at 1.5 a second, plus one call's latency.
    // (generous: a loaded CI machine makes timers late)
    expect(elapsedMs).toBeLessThan(((20 - 2) / 1.5) * 1000 * 1.25 + 150);
  } finally {
    await engine.shutdown();
  }
});

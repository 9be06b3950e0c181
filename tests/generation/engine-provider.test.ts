// The engine against the fake provider server: real HTTP through the openai SDK, real SQLite.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "@/server/generation/engine";
import type { EngineSettings } from "@/server/generation/engine-settings";
import { startFakeProvider, type FakeAttempt, type FakeProvider } from "../fake-provider/server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { createTestEngine, IMAGE_TASK_TYPE, imageTaskType, imageTasks, modelFor } from "./engine-fixtures";

let database: TestDatabase;
let fake: FakeProvider;
let imageDirectory: string;
const engines: Engine[] = [];
const owner = { teamId: "team-a", ownerId: "user-a" };

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeProvider({ latencyMs: 20, seed: 7 });
  imageDirectory = path.join(database.directory, "images");
  fs.mkdirSync(imageDirectory, { recursive: true });
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
  fake.respondWith(null);
  fake.configure({ latencyMs: 20, failureRate: 0, hangRate: 0, rateLimit: null });
  fake.reset();
});
afterAll(async () => {
  await fake.close();
  await database.cleanup();
});

function engineWith(settings: Partial<EngineSettings>): Engine {
  const engine = createTestEngine(database, settings);
  engine.registerTaskTypes([imageTaskType({ baseUrl: fake.url, directory: imageDirectory })]);
  engines.push(engine);
  return engine;
}

function attemptsByModel(): Map<string, FakeAttempt[]> {
  const byModel = new Map<string, FakeAttempt[]>();
  for (const attempt of fake.attempts()) {
    const list = byModel.get(attempt.model ?? "") ?? [];
    list.push(attempt);
    byModel.set(attempt.model ?? "", list);
  }
  return byModel;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 10_000) throw new Error(`Gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("concurrency caps", () => {
  test("the server never sees more calls in flight than the global budget, across runs", async () => {
    const engine = engineWith({ maxConcurrent: { text: 10, image: 3 }, maxWorkers: 10 });
    const runs = await Promise.all(
      ["a", "b"].map((prefix) => engine.submitRun({ kind: "images", ...owner, maxWorkers: 5, tasks: imageTasks(12, prefix) })),
    );
    for (const runId of runs) expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    expect(fake.attempts()).toHaveLength(24);
    expect(fake.peakInFlight()).toBe(3);
  });

  test("a run never has more calls in flight than its workers, and asking for too many is clamped", async () => {
    const engine = engineWith({ maxConcurrent: { text: 20, image: 20 }, maxWorkers: 4 });
    const runId = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 50, tasks: imageTasks(16) });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.settings.maxWorkers).toBe(4);
    expect(fake.peakInFlight()).toBe(4);
  });

  test("runs beyond the number allowed at once start only after an active run ends", async () => {
    const engine = engineWith({ maxConcurrentRuns: 1 });
    const first = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 3, tasks: imageTasks(6, "first") });
    const second = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 3, tasks: imageTasks(6, "second") });
    const [firstRun, secondRun] = [await engine.waitForRun(first), await engine.waitForRun(second)];
    expect(fake.peakInFlight()).toBe(3);
    const lastOfFirst = Math.max(...fake.attempts().filter((attempt) => attempt.model?.startsWith("image-first")).map((attempt) => attempt.endedAt!));
    const firstOfSecond = Math.min(...fake.attempts().filter((attempt) => attempt.model?.startsWith("image-second")).map((attempt) => attempt.arrivedAt));
    expect(firstOfSecond).toBeGreaterThan(lastOfFirst);
    expect(secondRun.startedAt!.getTime()).toBeGreaterThanOrEqual(firstRun.endedAt!.getTime());
  });
});

describe("retries", () => {
  test("a 429 is a wait, not a retry: no new try before its Retry-After, and no attempt spent", async () => {
    // One attempt in all: a refusal for rate limiting must not use it up.
    const engine = engineWith({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 5 } });
    const limited = new Set<string>();
    fake.respondWith((request) => {
      const model = String(request.body.model);
      if (limited.has(model)) return undefined;
      limited.add(model);
      return {
        status: 429,
        body: { error: { message: "Slow down", type: "requests", code: "rate_limit_exceeded" } },
        headers: { "retry-after-ms": "150", "retry-after": "1" },
      };
    });
    const runId = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 6, tasks: imageTasks(6) });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.metrics).toMatchObject({ attempts: 12, retries: 0, rateLimited: 6 });
    for (const task of run.tasks) {
      const [refused, retried, ...rest] = attemptsByModel().get(modelFor(task.key))!;
      expect(rest).toEqual([]);
      expect(refused!.status).toBe(429);
      expect(retried!.status).toBe(200);
      expect(retried!.arrivedAt - refused!.endedAt!).toBeGreaterThanOrEqual(150);
    }
    const events = await engine.eventsAfter(runId, 0);
    expect(events.filter((event) => event.type === "task-retry")).toEqual([]);
    const waits = events.filter((event) => event.type === "task-wait");
    expect(waits).toHaveLength(6);
    for (const event of waits) {
      expect(event.payload).toMatchObject({ kind: "image", reason: expect.stringContaining("429") });
      expect(event.type === "task-wait" && event.payload.delayMs).toBeGreaterThanOrEqual(150);
    }
  });

  test("a task gives up on a rate limit only after the longest wait allowed, and says so", async () => {
    const engine = engineWith({ rateLimitMaxWaitMs: 300 });
    fake.respondWith(() => ({
      status: 429,
      body: { error: { message: "Slow down", type: "requests", code: "rate_limit_exceeded" } },
      headers: { "retry-after-ms": "40" },
    }));
    const runId = await engine.submitRun({ kind: "images", ...owner, tasks: imageTasks(1) });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    const [task] = run.tasks;
    expect(task!.lastError).toMatch(/Gave up waiting for the provider's rate limit: refused \d+ times over 0 s/);
    expect(task!.attempts).toBeGreaterThan(4); // far more tries than RETRY_MAX_ATTEMPTS
    const first = fake.attempts()[0]!;
    const last = fake.attempts().at(-1)!;
    expect(last.arrivedAt - first.arrivedAt).toBeGreaterThanOrEqual(300 - 40);
  });

  test("a non-retryable answer fails the task at once", async () => {
    const engine = engineWith({});
    fake.respondWith((request) =>
      request.body.model === modelFor("image-2") ? { status: 400, body: { error: { message: "Your prompt was rejected" } } } : undefined,
    );
    const runId = await engine.submitRun({ kind: "images", ...owner, tasks: imageTasks(3) });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("failed");
    const rejected = run.tasks.find((task) => task.key === "image-2")!;
    expect(rejected).toMatchObject({ status: "failed", attempts: 1 });
    expect(rejected.lastError).toContain("Your prompt was rejected");
    expect(attemptsByModel().get(modelFor("image-2"))).toHaveLength(1);
  });

  test("with 20% failures and some hangs, every task ends succeeded or failed with a reason", async () => {
    const engine = engineWith({
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 10 },
      timeoutMs: { text: 300, image: 300 },
    });
    fake.configure({ failureRate: 0.2, failureStatus: 503, hangRate: 0.05, seed: 11 });
    const runId = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 10, tasks: imageTasks(60) });
    const run = await engine.waitForRun(runId);

    const statuses = new Set(run.tasks.map((task) => task.status));
    expect([...statuses].every((status) => status === "succeeded" || status === "failed")).toBe(true);
    for (const task of run.tasks) {
      if (task.status === "failed") expect(task.lastError).toMatch(/503|did not answer|timed out/);
      else expect(fs.existsSync(path.join(imageDirectory, (task.output as { file: string }).file))).toBe(true);
    }
    expect(run.status).toBe(run.counts.succeeded === 60 ? "succeeded" : "failed");
    expect(run.counts.succeeded + run.counts.failed).toBe(60);
    const answered = fake.attempts().map((attempt) => attempt.status);
    expect(answered.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(fake.attempts().length).toBe(run.metrics!.attempts);
    await until(() => fake.inFlight() === 0, "the server has no request left");
  });
});

describe("cancel", () => {
  test("cancelling cancels queued tasks and aborts the calls in flight", async () => {
    fake.configure({ latencyMs: 5_000 });
    const engine = engineWith({});
    const runId = await engine.submitRun({ kind: "images", ...owner, maxWorkers: 4, tasks: imageTasks(20) });
    await until(() => fake.inFlight() === 4, "four calls are in flight");
    await engine.cancelRun(runId);
    const run = await engine.waitForRun(runId);

    expect(run.status).toBe("cancelled");
    expect(run.tasks.every((task) => task.status === "cancelled")).toBe(true);
    expect(run.tasks.filter((task) => task.attempts > 0)).toHaveLength(4);
    await until(() => fake.inFlight() === 0, "the server sees the calls go away");
    // Aborted: the server never got to answer them.
    expect(fake.attempts().map((attempt) => attempt.status)).toEqual([null, null, null, null]);
  });

  test("cancelling a run that waits in line ends it without a call", async () => {
    fake.configure({ latencyMs: 200 });
    const engine = engineWith({ maxConcurrentRuns: 1 });
    const first = await engine.submitRun({ kind: "images", ...owner, tasks: imageTasks(2, "first") });
    const waiting = await engine.submitRun({ kind: "images", ...owner, tasks: imageTasks(3, "waiting") });
    await engine.cancelRun(waiting);
    const cancelled = await engine.waitForRun(waiting);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.counts.cancelled).toBe(3);
    expect((await engine.waitForRun(first)).status).toBe("succeeded");
    expect(fake.attempts().some((attempt) => attempt.model?.startsWith("image-waiting"))).toBe(false);
  });
});

describe("retry of failed tasks", () => {
  test("redoes the failed tasks and those skipped because of them, and nothing else", async () => {
    const engine = engineWith({});
    let broken = true;
    fake.respondWith((request) =>
      broken && (request.body.model === modelFor("image-3") || request.body.model === modelFor("image-7"))
        ? { status: 400, body: { error: { message: "Rejected for now" } } }
        : undefined,
    );
    const tasks = [...imageTasks(10), { key: "after-7", type: IMAGE_TASK_TYPE, dependsOn: ["image-7"], input: { prompt: "after" } }];
    const runId = await engine.submitRun({ kind: "images", ...owner, tasks });
    const failed = await engine.waitForRun(runId);
    expect(failed.status).toBe("failed");
    expect(failed.counts).toMatchObject({ succeeded: 8, failed: 2, skipped: 1 });

    broken = false;
    fake.reset();
    expect(await engine.retryFailed(runId)).toBe(3);
    const retried = await engine.waitForRun(runId);
    expect(retried.status).toBe("succeeded");
    expect(retried.counts).toMatchObject({ total: 11, succeeded: 11 });
    expect([...attemptsByModel().keys()].sort()).toEqual([modelFor("after-7"), modelFor("image-3"), modelFor("image-7")]);
    const log = await engine.eventsAfter(runId, 0);
    expect(log.filter((event) => event.type === "run-end").map((event) => event.payload.status)).toEqual(["failed", "succeeded"]);
  });
});

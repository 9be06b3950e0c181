// Scaled out (REDIS_URL): app instances store runs and hand them to worker processes through
// BullMQ on a real Redis, and hear their events over Redis pub/sub. Real parts throughout: real
// worker processes (src/server/worker-process.ts) and app instances in child processes, a real
// redis-server, PostgreSQL, and the HTTP fake provider on loopback (the openai SDK's code path).
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { followRun } from "@/server/generation/events/follow-run";
import type { RunEvent } from "@/server/generation/events/run-events";
import { startFakeProvider, type FakeProvider } from "../../fake-provider/server";
import type { TestUser } from "../../helpers/accounts";
import { describe, expect, test } from "../../helpers/fixtures";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";
import { createAppSide, type AppSide } from "./app-side";
import { startAppInstance, startWorker, stopChild, type Child, type ClusterEnvironment } from "./processes";
import { followOverHttp } from "./sse-follower";

let redis: TestRedis;
let provider: FakeProvider;
let cluster: ClusterEnvironment;
let app: AppSide;
/** A second app instance in this process: it follows runs it did not submit. */
let otherApp: AppSide;
const workers: Array<Child & { ready: RegExpExecArray }> = [];
/** Image requests seen by the fake provider, by slide marker. */
const calls = new Map<number, number>();

function markerOf(body: unknown): number | null {
  const match = /marker-(\d+)/.exec(JSON.stringify(body));
  return match ? Number(match[1]) : null;
}

function deckInput(first: number, count: number, maxWorkers: number) {
  return {
    title: `Deck ${first}`,
    stylePreset: "flat-corporate" as const,
    aspectRatio: "16:9" as const,
    quality: "standard" as const,
    maxWorkers,
    slides: Array.from({ length: count }, (_, index) => ({ title: `Slide ${first + index}`, text: "", imagePrompt: `A harbour, marker-${first + index}` })),
  };
}

/** Follows the run in this process until `until` says so; resolves with the events so far. */
async function followUntil(engine: AppSide["engine"], runId: string, until: (events: RunEvent[]) => boolean): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const abort = new AbortController();
  for await (const event of followRun(engine, runId, 0, abort.signal)) {
    events.push(event);
    if (until(events)) break;
  }
  abort.abort();
  return events;
}

const countOf = (events: RunEvent[], type: RunEvent["type"], key?: string) =>
  events.filter((event) => event.type === type && (key === undefined || (event.payload as { key?: string }).key === key)).length;

/** The workers' reports: which worker holds which runs. */
async function holderOf(runId: string, timeoutMs = 30_000): Promise<Child> {
  const connection = new Redis(cluster.REDIS_URL);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const reports = Object.values(await connection.hgetall("storyforge:workers")).map((value) => JSON.parse(value) as { pid: number; runIds: string[] });
      const holder = reports.find((report) => report.runIds.includes(runId));
      const child = holder && workers.find((worker) => worker.pid === holder.pid);
      if (child) return child;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`No worker reported holding ${runId}`);
  } finally {
    connection.disconnect();
  }
}

function expectGapless(events: RunEvent[], stored: RunEvent[]): void {
  expect(events.map((event) => event.seq)).toEqual(stored.map((event) => event.seq));
  expect(events.map((event) => event.type)).toEqual(stored.map((event) => event.type));
  expect(events.at(-1)?.type).toBe("run-end");
}

describe("runs on worker processes over Redis", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    provider = await startFakeProvider({ seed: 3, latencyMs: 150 });
    provider.respondWith((request) => {
      const marker = markerOf(request.body);
      if (marker !== null && request.path.includes("images")) calls.set(marker, (calls.get(marker) ?? 0) + 1);
      return undefined;
    });
  });

  test.beforeAll(async ({ database }) => {
    cluster = { DATABASE_URL: database.url, REDIS_URL: redis.url, DATA_DIR: database.directory, providerUrl: provider.url };
    app = createAppSide(database.db, cluster);
    otherApp = createAppSide(database.db, cluster);
    // Two runs at once across all three workers: BATCH_MAX_CONCURRENT holds across processes.
    workers.push(...(await Promise.all([1, 2, 3].map(() => startWorker(cluster, { BATCH_MAX_CONCURRENT: "2" })))));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => stopChild(worker)));
    await app?.close();
    await otherApp?.close();
    await provider?.close();
    await redis?.stop();
  }, 60_000);

  test("a run submitted on one app instance is executed by a worker, and its events reach a follower on another without a gap or a duplicate", async ({ alice }) => {
    const { runId } = await app.caller(alice).slides.create(deckInput(100, 6, 2));
    const followed: RunEvent[] = [];
    for await (const event of followRun(otherApp.engine, runId, 0)) followed.push(event);
    const run = await app.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.counts).toMatchObject({ total: 6, succeeded: 6 });
    expectGapless(followed, await app.engine.eventsAfter(runId, 0));
    for (let marker = 100; marker < 106; marker++) expect(calls.get(marker)).toBe(1);
    // The operators' view on an app instance: the budget the three workers share, taken once
    // (20 image calls across all of them), not added up over the workers.
    expect(app.engine.status().budgets.image).toMatchObject({ identity: expect.stringMatching(/^openai:/), cap: 20, shared: true });
  }, 120_000);

  test("cancelling on an app instance stops a run a worker holds: its calls in flight are aborted", async ({ alice }) => {
    provider.configure({ latencyMs: 5_000 });
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(200, 6, 2));
      await followUntil(otherApp.engine, runId, (events) => countOf(events, "task-start") >= 2);
      await holderOf(runId);
      const asked = Date.now();
      await app.caller(alice).runs.cancel({ runId });
      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("cancelled");
      // A call takes five seconds: the run ended because its calls were aborted, not answered.
      expect(Date.now() - asked).toBeLessThan(4_000);
      expect(run.tasks.map((task) => task.status)).toEqual(Array(6).fill("cancelled"));
    } finally {
      provider.configure({ latencyMs: 150 });
    }
  }, 120_000);

  test("at most BATCH_MAX_CONCURRENT runs execute across the workers; a run still waiting is cancelled off the queue", async ({ alice, database }) => {
    provider.configure({ latencyMs: 1_500 });
    try {
      const first = await app.caller(alice).slides.create(deckInput(300, 2, 1));
      const second = await app.caller(alice).slides.create(deckInput(310, 2, 1));
      const third = await app.caller(alice).slides.create(deckInput(320, 2, 1));
      await Promise.all([holderOf(first.runId), holderOf(second.runId)]);
      // Both slots are taken (across processes): the third waits in the queue.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(app.engine.status()).toMatchObject({ activeRuns: 2, waitingRuns: 1 });
      expect((await app.engine.getRun(third.runId))?.status).toBe("queued");
      await app.caller(alice).runs.cancel({ runId: third.runId });
      expect((await app.engine.getRun(third.runId))?.status).toBe("cancelled");
      for (const run of [first, second]) expect((await app.engine.waitForRun(run.runId)).status).toBe("succeeded");
      // Nothing of the cancelled run was ever sent to the provider, and no worker took it up later.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect([calls.get(320), calls.get(321)]).toEqual([undefined, undefined]);
      expect(await database.db.runEvent.count({ where: { runId: third.runId, type: "run-start" } })).toBe(0);
    } finally {
      provider.configure({ latencyMs: 150 });
    }
  }, 120_000);

  test("a cancel asked while no worker held the run is not lost: the worker that takes the run later cancels it before anything starts", async ({ alice, database }) => {
    provider.configure({ latencyMs: 1_500 });
    const connection = new Redis(cluster.REDIS_URL);
    try {
      const busy = [await app.caller(alice).slides.create(deckInput(330, 2, 1)), await app.caller(alice).slides.create(deckInput(340, 2, 1))];
      const { runId } = await app.caller(alice).slides.create(deckInput(350, 2, 1));
      await Promise.all(busy.map((run) => holderOf(run.runId)));
      // As an app instance that stored the request and died before it took the job off the queue.
      await connection.set(`storyforge:run-cancel:${runId}`, String(Date.now()));
      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("cancelled");
      const events = await app.engine.eventsAfter(runId, 0);
      expect(countOf(events, "task-start")).toBe(0);
      expect([calls.get(350), calls.get(351)]).toEqual([undefined, undefined]);
      for (const other of busy) expect((await app.engine.waitForRun(other.runId)).status).toBe("succeeded");
      expect(await database.db.task.count({ where: { runId, status: "cancelled" } })).toBe(2);
    } finally {
      connection.disconnect();
      provider.configure({ latencyMs: 150 });
    }
  }, 120_000);

  test("a worker killed (SIGKILL) in the middle of a run: another takes it over, no task is lost, none that succeeded runs again", async ({ alice, database }) => {
    provider.configure({ latencyMs: 400 });
    try {
      const slides = 12;
      const { runId, deckId } = await app.caller(alice).slides.create(deckInput(400, slides, 3));
      await followUntil(otherApp.engine, runId, (events) => countOf(events, "task-end") >= 3);
      const holder = await holderOf(runId);
      holder.kill("SIGKILL");
      await holder.exited;
      workers.splice(workers.indexOf(holder as (typeof workers)[number]), 1);

      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.counts).toMatchObject({ total: slides, succeeded: slides });
      const events = await app.engine.eventsAfter(runId, 0);
      // The taking over shows as a second run-start, resumed.
      const takeOver = events.findLast((event) => event.type === "run-start")!;
      expect(takeOver.payload).toMatchObject({ resumed: true });
      const before = events.filter((event) => event.seq < takeOver.seq);
      const after = events.filter((event) => event.seq > takeOver.seq);
      const keys = run.tasks.map((task) => task.key);
      const doneBefore = keys.filter((key) => before.some((event) => event.type === "task-end" && event.payload.key === key && event.payload.status === "succeeded"));
      expect(doneBefore.length).toBeGreaterThanOrEqual(3);
      for (const key of keys) {
        // Every task succeeded exactly once over the whole run.
        expect(events.filter((event) => event.type === "task-end" && event.payload.key === key && event.payload.status === "succeeded")).toHaveLength(1);
      }
      for (const key of doneBefore) expect(countOf(after, "task-start", key)).toBe(0);
      // Provider calls and stored pictures per slide: one each for what succeeded before the kill.
      const deck = await database.db.slide.findMany({ where: { deckId }, orderBy: { position: "asc" }, select: { id: true, currentImageId: true } });
      const imagesBySlide = new Map<string, number>();
      for (const image of await database.db.image.findMany({ where: { ownerKind: "slide", ownerId: { in: deck.map((slide) => slide.id) } } })) {
        imagesBySlide.set(image.ownerId, (imagesBySlide.get(image.ownerId) ?? 0) + 1);
      }
      keys.forEach((key, index) => {
        const marker = 400 + index;
        const slide = deck[index]!;
        expect(slide.currentImageId).not.toBeNull();
        if (doneBefore.includes(key)) {
          expect(calls.get(marker)).toBe(1);
          expect(imagesBySlide.get(slide.id)).toBe(1);
        } else expect(calls.get(marker)).toBeGreaterThanOrEqual(1);
      });
    } finally {
      provider.configure({ latencyMs: 150 });
    }
  }, 120_000);

  test("a worker that loses its hold on a run (its lock gone) lets the run go, and another worker finishes it: every task succeeds once, the events stay one numbered sequence", async ({ alice }) => {
    provider.configure({ latencyMs: 700 });
    const connection = new Redis(cluster.REDIS_URL);
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(600, 9, 1));
      await followUntil(otherApp.engine, runId, (events) => countOf(events, "task-end") >= 2);
      const holder = await holderOf(runId);
      // As when a worker stalls past its lock: BullMQ's lock on the job is gone.
      expect(await connection.del(`storyforge:runs:${runId}:lock`)).toBe(1);

      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
      expect(holder.output()).toMatch(/lost the hold on runs/);
      const events = await app.engine.eventsAfter(runId, 0);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      expect(events.findLast((event) => event.type === "run-start")!.payload).toMatchObject({ resumed: true });
      for (const key of run.tasks.map((task) => task.key)) {
        expect(events.filter((event) => event.type === "task-end" && event.payload.key === key && event.payload.status === "succeeded")).toHaveLength(1);
      }
    } finally {
      connection.disconnect();
      provider.configure({ latencyMs: 150 });
    }
  }, 120_000);

  test("a worker stopped (SIGTERM) in the middle of a run hands it back at once: another finishes it, nothing fails, nothing succeeded is redone", async ({ alice }) => {
    // Workers whose holds last ten seconds: a run taken over sooner was handed back, not found stalled.
    await Promise.all(workers.splice(0).map((worker) => stopChild(worker)));
    workers.push(...(await Promise.all([1, 2].map(() => startWorker(cluster, { BATCH_MAX_CONCURRENT: "2", WORKER_LOCK_SECONDS: "10" })))));
    provider.configure({ latencyMs: 400 });
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(450, 9, 3));
      await followUntil(otherApp.engine, runId, (events) => countOf(events, "task-end") >= 2);
      const holder = await holderOf(runId);
      const stoppedAt = Date.now();
      await stopChild(holder, "SIGTERM");
      workers.splice(workers.indexOf(holder as (typeof workers)[number]), 1);
      expect(holder.output()).not.toMatch(/error/i);

      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
      const events = await app.engine.eventsAfter(runId, 0);
      const takeOver = events.findLast((event) => event.type === "run-start")!;
      expect(takeOver.payload).toMatchObject({ resumed: true });
      // A hold found stalled is taken over five to ten seconds after its last renewal at the earliest.
      expect(takeOver.createdAt.getTime() - stoppedAt).toBeLessThan(4_000);
      // The calls in flight were aborted without failing their tasks; they ran again on the other worker.
      expect(countOf(events, "task-error")).toBe(0);
      const keys = run.tasks.map((task) => task.key);
      for (const key of keys) {
        expect(events.filter((event) => event.type === "task-end" && event.payload.key === key && event.payload.status === "succeeded")).toHaveLength(1);
      }
      const doneBefore = keys.filter((key) => events.some((event) => event.seq < takeOver.seq && event.type === "task-end" && event.payload.key === key));
      expect(doneBefore.length).toBeGreaterThanOrEqual(2);
      for (const key of doneBefore) expect(countOf(events.filter((event) => event.seq > takeOver.seq), "task-start", key)).toBe(0);
    } finally {
      provider.configure({ latencyMs: 150 });
    }
  }, 180_000);

  test("an app instance killed (SIGKILL) with a follower connected: the follower resumes on the other with its last event id, without a gap or a duplicate", async ({ alice }) => {
    provider.configure({ latencyMs: 250 });
    const instances = await Promise.all([startAppInstance(cluster), startAppInstance(cluster)]);
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(500, 10, 1));
      let killed = false;
      const alive = () => instances.filter((instance) => !(killed && instance === instances[0])).map((instance) => instance.port);
      const { events, reconnects } = await followOverHttp({
        runId,
        ports: alive,
        onEvent(event, port) {
          if (!killed && port === instances[0]!.port && countOf([event], "task-end") === 1 && event.seq >= 6) {
            killed = true;
            instances[0]!.kill("SIGKILL");
          }
        },
      });
      expect(killed).toBe(true);
      expect(reconnects).toBeGreaterThanOrEqual(1);
      expect((await app.engine.waitForRun(runId)).status).toBe("succeeded");
      expectGapless(events, await app.engine.eventsAfter(runId, 0));
    } finally {
      provider.configure({ latencyMs: 150 });
      await Promise.all(instances.map((instance) => stopChild(instance, "SIGKILL")));
    }
  }, 120_000);
});

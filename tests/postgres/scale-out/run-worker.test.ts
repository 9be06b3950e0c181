// A worker's side of the runs queue (src/server/generation/queue/run-worker.ts) in the test
// process, where a test can reach into it: its Redis connections dropped, its sweep run at a
// chosen moment, its engine failing to shut down. Real Redis, PostgreSQL and the HTTP fake provider.
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/server/db";
import { DOMAINS } from "@/server/domains";
import { createEngine, type Engine } from "@/server/generation/engine";
import { createRedisEventBus } from "@/server/generation/events/redis-event-bus";
import { cancelKey, createBullmqRunDispatcher, runQueue } from "@/server/generation/queue/bullmq-run-queue";
import type { RunDispatcher } from "@/server/generation/queue/run-dispatcher";
import { startRunWorker, type RunWorker } from "@/server/generation/queue/run-worker";
import { createBatchWriter } from "@/server/generation/storage/batch-writer";
import { createPrismaRunReader } from "@/server/generation/storage/run-reader";
import { createImageStore } from "@/server/storage/image-store";
import { startFakeProvider, type FakeProvider } from "../../fake-provider/server";
import { describe, expect, test } from "../../helpers/fixtures";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";
import { fakeServerProviders } from "../../helpers/slides-services";
import { createAppSide, type AppSide } from "./app-side";
import type { ClusterEnvironment } from "./processes";

let redis: TestRedis;
let provider: FakeProvider;
let cluster: ClusterEnvironment;
let app: AppSide;
/** For the test's own looks at Redis. */
let connection: Redis;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deckInput(first: number, count: number) {
  return {
    title: `Deck ${first}`,
    stylePreset: "flat-corporate" as const,
    aspectRatio: "16:9" as const,
    quality: "standard" as const,
    maxWorkers: count,
    slides: Array.from({ length: count }, (_, index) => ({ title: `Slide ${first + index}`, text: "", imagePrompt: `A harbour, marker-${first + index}` })),
  };
}

/** A worker in this process, as src/server/worker-process.ts starts one; `wrap` changes its engine. */
async function startTestWorker(db: Database, id: string, wrap: (engine: Engine) => Engine = (engine) => engine): Promise<RunWorker> {
  const bus = createRedisEventBus(cluster.REDIS_URL);
  const engine = createEngine({ db, bus, writer: createBatchWriter(cluster.DATABASE_URL), settings: { writeIntervalMs: 2 } });
  const images = createImageStore(cluster.DATA_DIR);
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db, providers: fakeServerProviders(cluster.providerUrl), images }));
  const worker = await startRunWorker({ engine: wrap(engine), bus, reader: createPrismaRunReader(db), redisUrl: cluster.REDIS_URL, lockMs: 2_000, id });
  return {
    id: worker.id,
    sweep: () => worker.sweep(),
    async close() {
      try {
        await worker.close();
      } finally {
        await bus.close();
      }
    },
  };
}

async function waitForStatus(db: Database, runId: string, status: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await db.run.findUnique({ where: { id: runId }, select: { status: true } }))?.status === status) return;
    await sleep(50);
  }
  throw new Error(`Run ${runId} was not ${status} within ${timeoutMs} ms`);
}

beforeAll(async () => {
  redis = await startTestRedis();
  provider = await startFakeProvider({ seed: 5, latencyMs: 100 });
  connection = new Redis(redis.url);
});

test.beforeAll(async ({ database }) => {
  cluster = { DATABASE_URL: database.url, REDIS_URL: redis.url, DATA_DIR: database.directory, providerUrl: provider.url };
  app = createAppSide(database.db, cluster);
});

afterAll(async () => {
  await app?.close();
  connection?.disconnect();
  await provider?.close();
  await redis?.stop();
}, 60_000);

describe("a worker holding runs", () => {
  let worker: RunWorker;
  test.beforeAll(async ({ database }) => {
    worker = await startTestWorker(database.db, "worker-a");
  });
  afterAll(async () => {
    await worker?.close();
  }, 60_000);

  test("a cancel sent while the worker's listener reconnects is not lost: the worker reads the stored request once it is back", async ({ alice, database }) => {
    provider.configure({ latencyMs: 8_000 });
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(100, 2));
      await waitForStatus(database.db, runId, "running");
      // The listener's connection drops; ioredis reconnects it a moment later. The cancel message
      // is published in between, to nobody.
      const listener = (await connection.call("CLIENT", "LIST")) as string;
      const listenerId = /id=(\d+) .*name=worker-a:cancel-listener/.exec(listener)?.[1];
      expect(listenerId).toBeDefined();
      await connection.call("CLIENT", "KILL", "ID", listenerId!);
      const asked = Date.now();
      await app.engine.cancelRun(runId);
      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("cancelled");
      // A call takes eight seconds: the calls were aborted.
      expect(Date.now() - asked).toBeLessThan(4_000);
    } finally {
      provider.configure({ latencyMs: 100 });
    }
  }, 60_000);

  test("a cancel request stored without a message reaches the worker holding the run within seconds", async ({ alice, database }) => {
    provider.configure({ latencyMs: 8_000 });
    try {
      const { runId } = await app.caller(alice).slides.create(deckInput(200, 2));
      await waitForStatus(database.db, runId, "running");
      const asked = Date.now();
      await connection.set(cancelKey(runId), String(Date.now()));
      await waitForStatus(database.db, runId, "cancelled");
      expect(Date.now() - asked).toBeLessThan(4_000);
    } finally {
      provider.configure({ latencyMs: 100 });
    }
  }, 60_000);

  test("a retry is not cancelled by the run's old cancel request, whenever the workers' sweep finds it", async ({ alice, database }) => {
    provider.configure({ latencyMs: 8_000 });
    const { runId } = await app.caller(alice).slides.create(deckInput(300, 2));
    await waitForStatus(database.db, runId, "running");
    await app.engine.cancelRun(runId);
    expect((await app.engine.waitForRun(runId)).status).toBe("cancelled");
    provider.configure({ latencyMs: 100 });
    // The request is older than the sweep's grace for cancels in progress.
    await connection.set(cancelKey(runId), String(Date.now() - 120_000));

    // An app instance whose every queue step may meet the sweep of a worker: it runs just before
    // each, and the worker takes what it queued.
    const dispatcher = createBullmqRunDispatcher(cluster.REDIS_URL);
    const sweepFirst = async () => {
      if ((await worker.sweep()).length > 0) await sleep(1_000);
    };
    const sweptDispatcher: RunDispatcher = {
      ...dispatcher,
      clearCancel: async (id) => {
        await sweepFirst();
        await dispatcher.clearCancel(id);
      },
      dispatch: async (id) => {
        await sweepFirst();
        await dispatcher.dispatch(id);
      },
    };
    const bus = createRedisEventBus(cluster.REDIS_URL);
    const engine = createEngine({ db: database.db, bus, dispatcher: sweptDispatcher, writer: createBatchWriter(cluster.DATABASE_URL), settings: { writeIntervalMs: 2 } });
    try {
      expect(await engine.retryFailed(runId)).toBe(2);
      const run = await app.engine.waitForRun(runId);
      expect(run.status).toBe("succeeded");
    } finally {
      await engine.shutdown();
      await dispatcher.close();
      await bus.close();
    }
  }, 60_000);
});

describe("a worker whose engine fails to shut down", () => {
  test("still hands its runs back and closes", async ({ alice, database }) => {
    const worker = await startTestWorker(database.db, "worker-b", (engine) => ({
      ...engine,
      async shutdown() {
        await engine.shutdown();
        throw new Error("the database went away");
      },
    }));
    provider.configure({ latencyMs: 8_000 });
    const { runId } = await app.caller(alice).slides.create(deckInput(400, 2));
    try {
      await waitForStatus(database.db, runId, "running");
      const closed = await Promise.race([worker.close().then(() => "closed", (error: Error) => error.message), sleep(10_000).then(() => "timed out")]);
      expect(closed).toBe("the database went away");
      // Handed back, for another worker to take now, not held until its lock runs out.
      const queue = runQueue(connection);
      expect(await (await queue.getJob(runId))?.getState()).toBe("waiting");
      await queue.close();
    } finally {
      provider.configure({ latencyMs: 100 });
      await app.engine.cancelRun(runId);
    }
  }, 60_000);
});

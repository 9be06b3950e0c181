// Provider budgets shared by worker processes through Redis (src/server/generation/limits/shared/),
// on a real redis-server and the HTTP fake provider: several processes' budgets, each with its own
// Redis connections and its own adaptive controller, as the worker processes build them. What the
// provider sees must be one budget: the in-flight cap holds across them, a 429's Retry-After holds
// every one of them, a killed holder's slots come back, and against a rate limit they are refused
// about as rarely as one budget alone. The baselines with budgets of their own show each check
// would fail without the sharing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeProvider, type FakeProvider } from "../../fake-provider/server";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";
import { createSharedBudgets } from "@/server/generation/limits/shared/shared-budgets";
import { startBudgetClient, type BudgetClient } from "./budget-client";
import { startChild, stopChild } from "./processes";

let redis: TestRedis;
let provider: FakeProvider;
let clients: BudgetClient[] = [];

/** `count` processes' budgets, all on one Redis (shared) or each its own (the baseline). */
function processes(count: number, cap: number, shared = true, keyRedis?: string): BudgetClient[] {
  const started = Array.from({ length: count }, () => startBudgetClient({ providerUrl: provider.url, redisUrl: shared ? (keyRedis ?? redis.url) : undefined, cap }));
  clients.push(...started);
  return started;
}

const refusedShare = () => {
  const attempts = provider.attempts();
  return attempts.filter((attempt) => attempt.status === 429).length / attempts.length;
};

describe("provider budgets shared by worker processes", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    provider = await startFakeProvider({ seed: 7 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await provider?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    await Promise.all(clients.map((client) => client.close()));
    clients = [];
    provider.configure({ latencyMs: 0, rateLimit: null });
    provider.respondWith(null);
    provider.reset();
    // Each case starts from a fresh budget, not from what the previous one taught it.
    const { Redis } = await import("ioredis");
    const connection = new Redis(redis.url);
    await connection.flushall();
    await connection.quit();
  });

  it("calls in flight never exceed the cap summed across processes, not per process", async () => {
    provider.configure({ latencyMs: 40 });
    const three = processes(3, 4);
    await Promise.all(three.map((client) => client.render(30)));
    expect(provider.attempts().filter((attempt) => attempt.status === 200)).toHaveLength(90);
    expect(provider.peakInFlight()).toBeLessThanOrEqual(4);
    // The same processes with budgets of their own: three caps' worth at once.
    provider.reset();
    const own = processes(3, 4, false);
    await Promise.all(own.map((client) => client.render(30)));
    expect(provider.peakInFlight()).toBeGreaterThan(4);
  });

  it("a 429's Retry-After holds the calls of every process", async () => {
    provider.configure({ latencyMs: 20 });
    const retryAfterMs = 600;
    let refused = false;
    // The provider refuses one call, early in the flight, asking for 600 ms.
    provider.respondWith((request) => {
      if (refused || request.id < 5) return undefined;
      refused = true;
      return { status: 429, body: { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, headers: { "retry-after-ms": String(retryAfterMs) } };
    });
    const three = processes(3, 6);
    await Promise.all(three.map((client) => client.render(20)));
    const attempts = provider.attempts();
    const refusal = attempts.find((attempt) => attempt.status === 429)!;
    expect(refusal).toBeDefined();
    // Nothing arrived between the refusal's answer and its Retry-After (a millisecond of slack
    // for clocks), from any process.
    const during = attempts.filter((attempt) => attempt.arrivedAt > refusal.endedAt! + 5 && attempt.arrivedAt < refusal.endedAt! + retryAfterMs - 5);
    expect(during).toEqual([]);
    expect(attempts.filter((attempt) => attempt.status === 200)).toHaveLength(60);
  });

  it("a killed holder's slots come back once their leases run out", async () => {
    const holder = await startChild(
      "tests/postgres/scale-out/budget-client.ts",
      { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", REDIS_URL: redis.url, HOLD: "3", LEASE_MS: "1000" },
      /holding 3 slots/,
    );
    const budgets = createSharedBudgets(redis.url, { leaseMs: 1000 });
    try {
      const limiter = budgets.limiterFor("image", "openai:gpt-image-1")(3, Date.now);
      // All three slots are the holder's while it lives and renews them.
      const waiting = limiter.acquire();
      let taken = false;
      void waiting.then(() => (taken = true));
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(taken).toBe(false);
      const killedAt = Date.now();
      await stopChild(holder, "SIGKILL");
      await waiting;
      // Within a lease (and a poll) of the kill, not never.
      expect(Date.now() - killedAt).toBeLessThan(2_000);
      await limiter.acquire();
      await limiter.acquire();
      expect(limiter.active).toBe(3);
      limiter.release();
      limiter.release();
      limiter.release();
    } finally {
      holder.kill("SIGKILL");
      await budgets.close();
    }
  });

  it("a process closed while a call is in flight: the call ends aborted, giving its slot back before the budgets close", async () => {
    provider.configure({ latencyMs: 2_000 });
    const [client] = processes(1, 4);
    const outcome = client!.render(1).then(
      () => "rendered",
      (error: Error) => error.message,
    );
    while (provider.inFlight() < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await client!.close();
    expect(await outcome).toBe("closed");
  });

  describe("one budget's climb", () => {
    const stateKey = "storyforge:budget:image:openai:gpt-image-1:state";
    /** The window stored in Redis once `condition` holds for it (or after a second, whatever it is). */
    const storedWindow = async (condition: (window: number) => boolean) => {
      const { Redis } = await import("ioredis");
      const connection = new Redis(redis.url);
      try {
        let window = Number.NaN;
        for (let tries = 0; tries < 100; tries++) {
          window = Number(await connection.hget(stateKey, "window"));
          if (condition(window)) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return window;
      } finally {
        await connection.quit();
      }
    };
    /** Two processes' image budgets (cap 24), loaded, with calls waiting so that both windows are full. */
    const twoFullBudgets = async () => {
      const [a, b] = processes(2, 24).map((client) => client.budgets.byName.get("image")!);
      await Promise.all([a!.loading, b!.loading]);
      for (const budget of [a!, b!]) for (let index = 0; index < 24; index++) void budget.limiter.acquire().catch(() => {});
      return [a!, b!] as const;
    };

    it("every process's successes grow the one window, as one process's grow its own", async () => {
      const [a, b] = await twoFullBudgets();
      expect(a.window).toBe(12);
      // Slow start, every window full: +1 per success. Five each, interleaved, none waiting for
      // Redis in between: each process sends growth on a state the other has already changed.
      for (let index = 0; index < 5; index++) {
        a.succeeded(Date.now() - 300);
        b.succeeded(Date.now() - 300);
      }
      expect(await storedWindow((window) => window === 22)).toBe(22);
      expect(Math.max(a.window, b.window)).toBe(22);
      // A process that has not heard of the other's growth adds to it; it does not pull it back.
      const behind = Math.min(a.window, b.window) === a.window ? a : b;
      behind.succeeded(Date.now() - 300);
      expect(await storedWindow((window) => window === 23)).toBe(23);
    });

    it("a process that has not heard of the others' growth admits under the grown window, not its own", async () => {
      const [aClient, bClient] = processes(2, 24);
      const a = aClient!.budgets.byName.get("image")!;
      const b = bClient!.budgets.byName.get("image")!;
      await Promise.all([a.loading, b.loading]);
      // A alone is busy and grows the window from 12 to 22; B, idle, hears nothing of it.
      for (let index = 0; index < 24; index++) void a.limiter.acquire().catch(() => {});
      for (let index = 0; index < 10; index++) a.succeeded(Date.now() - 300);
      expect(await storedWindow((window) => window === 22)).toBe(22);
      expect(b.window).toBe(12);
      // A's calls end; B's twenty calls all go, under the one window.
      await aClient!.close();
      let admitted = 0;
      for (let index = 0; index < 20; index++) void b.limiter.acquire().then(() => admitted++, () => {});
      for (let tries = 0; tries < 100 && admitted < 20; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(admitted).toBe(20);
    });

    it("a decrease made while growth is on its way wins, and the other process adopts it at once", async () => {
      const [a, b] = await twoFullBudgets();
      // B grows the budget; A, not knowing, grows it too and is refused before it hears back.
      b.succeeded(Date.now() - 300);
      expect(await storedWindow((window) => window === 13)).toBe(13);
      a.succeeded(Date.now() - 300);
      a.rateLimited(Date.now() - 1);
      const lowered = a.window;
      expect(lowered).toBeLessThan(12);
      expect(await storedWindow((window) => window === lowered)).toBe(lowered);
      for (let tries = 0; tries < 100 && b.window !== lowered; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(b.window).toBe(lowered);
      // The 429s of B's calls sent before A's decrease are the same congestion: answered once.
      b.rateLimited(Date.now() - 5_000);
      expect(b.window).toBe(lowered);
    });
  });

  it("against a rate-limited provider, three processes are refused rarely and paced near its rate", async () => {
    provider.configure({ latencyMs: 30, rateLimit: { ratePerSecond: 60, burst: 4 } });
    const three = processes(3, 10);
    let startedAt = Date.now();
    await Promise.all(three.map((client) => client.render(80)));
    const shared = refusedShare();
    const sharedSeconds = (Date.now() - startedAt) / 1000;
    provider.reset();
    provider.configure({ rateLimit: { ratePerSecond: 60, burst: 4 } });
    const own = processes(3, 10, false);
    startedAt = Date.now();
    await Promise.all(own.map((client) => client.render(80)));
    const separate = refusedShare();
    const separateSeconds = (Date.now() - startedAt) / 1000;
    console.log(
      `429 share: shared ${(shared * 100).toFixed(1)} % in ${sharedSeconds} s, per-process ${(separate * 100).toFixed(1)} % in ${separateSeconds} s`,
    );
    expect(shared).toBeLessThanOrEqual(0.05);
    expect(separate).toBeGreaterThan(shared * 2);
    // And near the provider's rate (240 calls at 60 a second: 4 s): a process that counted only
    // its own calls between two 429s would pace the three to about a third of it.
    expect(sharedSeconds).toBeLessThan(8);
  }, 60_000);
});

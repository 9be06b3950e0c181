// The small policies the engine is built from: backoff, the adaptive window, the limiter.
import { describe, expect, test } from "vitest";
import { createAdaptiveConcurrency } from "@/server/generation/adaptive-concurrency";
import { clampWorkers } from "@/server/generation/engine-settings";
import { createLimiter } from "@/server/generation/limiter";
import { retryDelayMs } from "@/server/generation/retry-policy";

const retry = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

describe("retry delay", () => {
  test("is a random share of an exponentially growing ceiling", () => {
    expect(retryDelayMs(1, undefined, retry, () => 0.5)).toBe(250);
    expect(retryDelayMs(3, undefined, retry, () => 0.5)).toBe(1_000);
    expect(retryDelayMs(20, undefined, retry, () => 0.999999)).toBe(30_000);
  });

  test("is never shorter than the server's Retry-After", () => {
    expect(retryDelayMs(1, 2_000, retry, () => 0)).toBe(2_000);
    expect(retryDelayMs(1, 10.2, retry, () => 0)).toBe(11);
  });
});

describe("adaptive concurrency", () => {
  test("halves on a 429 and climbs back by one per window of successes, never above the cap", () => {
    let now = 0;
    const controller = createAdaptiveConcurrency({ cap: 8, adaptive: true, now: () => now });
    now = 1;
    controller.rateLimited(0);
    expect(controller.limiter.limit).toBe(4);
    for (let index = 0; index < 4; index++) controller.succeeded();
    expect(controller.limiter.limit).toBe(5);
    for (let index = 0; index < 1_000; index++) controller.succeeded();
    expect(controller.limiter.limit).toBe(8);
  });

  test("answers one flight of 429s with one decrease, and never goes below 1", () => {
    let now = 10;
    const controller = createAdaptiveConcurrency({ cap: 16, adaptive: true, now: () => now });
    controller.rateLimited(5);
    controller.rateLimited(6); // sent before the decrease: same congestion
    expect(controller.limiter.limit).toBe(8);
    for (let step = 0; step < 10; step++) controller.rateLimited(++now);
    expect(controller.limiter.limit).toBe(1);
  });

  test("stays at the cap when adaptation is off", () => {
    const controller = createAdaptiveConcurrency({ cap: 6, adaptive: false, now: () => 1 });
    controller.rateLimited(1);
    expect(controller.limiter.limit).toBe(6);
  });
});

describe("limiter", () => {
  test("lets waiters in first come, first served as slots free up", async () => {
    const limiter = createLimiter(1);
    const order: number[] = [];
    await limiter.acquire();
    const waiting = [1, 2, 3].map((index) => limiter.acquire().then(() => order.push(index)));
    expect(limiter.waiting).toBe(3);
    for (let index = 0; index < 3; index++) {
      limiter.release();
      await waiting[index];
    }
    expect(order).toEqual([1, 2, 3]);
  });

  test("a waiter whose signal aborts leaves the line", async () => {
    const limiter = createLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    expect(limiter.waiting).toBe(0);
    limiter.release();
    expect(limiter.active).toBe(0);
  });

  test("rejects a limit that is not a whole number of at least 1", () => {
    expect(() => createLimiter(0)).toThrow("Expected the limit to be a whole number of at least 1, got 0");
  });
});

describe("workers per run", () => {
  test("default when absent, clamped to the maximum, at least 1", () => {
    const settings = { defaultWorkers: 5, maxWorkers: 20 };
    expect(clampWorkers(undefined, settings)).toBe(5);
    expect(clampWorkers(50, settings)).toBe(20);
    expect(clampWorkers(0, settings)).toBe(1);
    expect(clampWorkers(1, settings)).toBe(1);
  });
});

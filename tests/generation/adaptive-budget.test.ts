// When the adaptive budget's window grows: only while full.
import { describe, expect, test } from "vitest";
import { createAdaptiveConcurrency } from "@/server/generation/limits/adaptive-concurrency";
import type { Limiter } from "@/server/generation/limits/limiter";

/** Asks for `count` slots at once, as a stage's tasks that start together; returns how many got one now. */
function fanOut(limiter: Limiter, count: number): number {
  const before = limiter.active;
  for (let index = 0; index < count; index++) void limiter.acquire();
  return limiter.active - before;
}

/** A budget with cap 20 on a fake clock, its window grown to `window` under full demand. */
function budgetAt(window: number) {
  let now = 1_000;
  const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => now });
  const { limiter } = budget;
  for (let step = 0; limiter.limit < window && step < 100; step++) {
    now += 1_000; // long enough that pacing lets every free slot in at once
    fanOut(limiter, limiter.limit - limiter.active);
    budget.succeeded(now - 300); // a round trip of 300 ms
    limiter.release();
  }
  while (limiter.active > 0) limiter.release();
  now += 10_000; // a quiet spell: whatever was paced before is long due
  return { budget, limiter, advance: (milliseconds: number) => (now += milliseconds), now: () => now };
}

describe("window growth", () => {
  test("the window grows only while full: calls below it say nothing about what the provider sustains", () => {
    let now = 1_000;
    const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => now });
    const { limiter } = budget;
    expect(limiter.limit).toBe(10);
    // Five workers: five calls in flight at a time, a hundred successes.
    for (let index = 0; index < 5; index++) void limiter.acquire();
    for (let index = 0; index < 100; index++) {
      now += 60;
      budget.succeeded(now - 300);
    }
    expect(budget.window).toBe(10);
    // Demand fills the window: it grows again.
    for (let index = 0; index < 5; index++) void limiter.acquire();
    budget.succeeded(now - 300);
    expect(budget.window).toBe(11);
  });

  test("calls waiting for a slot count as a full window", () => {
    const { budget, limiter, now } = budgetAt(11);
    budget.rateLimited(now() - 1); // paced from here on: a fan-out waits for its turn
    const window = budget.window;
    fanOut(limiter, 3);
    expect(limiter.active).toBeLessThan(Math.floor(window));
    expect(limiter.waiting).toBeGreaterThan(0);
    budget.succeeded(now() - 300);
    expect(budget.window).toBeGreaterThan(window);
  });
});

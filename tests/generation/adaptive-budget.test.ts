// When the adaptive budget spaces calls out and when it lets them go at once, and when its window
// grows: fan-outs go at once until the provider pushes back; the window grows only while full.
import { describe, expect, test } from "vitest";
import { createAdaptiveConcurrency } from "@/server/generation/limits/adaptive-concurrency";
import { createLimiter, type Limiter } from "@/server/generation/limits/limiter";

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

describe("pacing before and after the provider pushes back", () => {
  test("before any 429, a fan-out of up to half the cap goes out at once and only calls beyond it are paced", () => {
    const { limiter } = budgetAt(14);
    expect(limiter.limit).toBe(14);
    expect(limiter.gapMs).toBeGreaterThan(1); // a round trip is measured: the budget does pace
    expect(fanOut(limiter, 14)).toBe(10);
    expect(limiter.waiting).toBe(4);
  });

  test("before any 429, calls queued behind a full window are paced as it grows, not sent in a burst", () => {
    let now = 1_000;
    const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => now });
    const { limiter } = budget;
    expect(fanOut(limiter, 20)).toBe(10); // the first flight; ten calls wait for a slot
    now += 300;
    budget.succeeded(now - 300); // the window was full: it grows to 11
    limiter.release();
    expect(limiter.limit).toBe(11);
    expect(limiter.active).toBe(10); // two slots free, one call let in: the next one a gap later
    expect(limiter.waiting).toBe(9);
  });

  test("after a 429, every call is paced", () => {
    const { budget, limiter, now, advance } = budgetAt(14);
    budget.rateLimited(now() - 1);
    advance(10_000);
    expect(fanOut(limiter, 5)).toBe(1);
    expect(limiter.waiting).toBe(4);
  });

  test("quota headers with fewer calls left than the window pace every call before any 429", () => {
    const { budget, limiter, now, advance } = budgetAt(14);
    // 100 calls a second (about 30 per round trip: the window steers, not a rate), 5 left.
    budget.succeeded(now() - 10, { requests: { limit: 100, remaining: 5, resetMs: 950 } });
    advance(5);
    expect(fanOut(limiter, 5)).toBe(1);
  });

  test("quota headers with room for a window leave a fan-out unpaced", () => {
    const { budget, limiter, now, advance } = budgetAt(14);
    budget.succeeded(now() - 10, { requests: { limit: 100, remaining: 90, resetMs: 100 } });
    advance(5);
    expect(fanOut(limiter, 10)).toBe(10);
  });

  test("a budget restored from a provider that refused before paces every call from the start", () => {
    const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => 0 });
    budget.restore({ window: 12, limitSeen: 14, ratePerSecond: null, roundTripMs: 300, updatedAt: 0 });
    expect(budget.limiter.burst).toBe(1);
    budget.restore({ window: 12, limitSeen: null, ratePerSecond: null, roundTripMs: 300, updatedAt: 0 });
    expect(budget.limiter.burst).toBe(10);
  });
});

describe("window growth", () => {
  test("after the first 429 the window grows only while full: calls below it say nothing about what the provider sustains", () => {
    let now = 1_000;
    const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => now });
    const { limiter } = budget;
    // Five workers: the first flight of five is refused in part (slow start ends: 10 → 6.67)…
    for (let index = 0; index < 5; index++) void limiter.acquire();
    budget.rateLimited(now - 1);
    expect(Math.floor(budget.window)).toBe(6);
    // …then five calls in flight at a time, a hundred successes.
    for (let index = 0; index < 100; index++) {
      now += 60;
      budget.succeeded(now - 300);
    }
    expect(Math.floor(budget.window)).toBe(6);
    // Demand fills the window: it grows again.
    void limiter.acquire();
    const before = budget.window;
    budget.succeeded(now - 300);
    expect(budget.window).toBeGreaterThan(before);
  });

  test("in slow start the window grows while at least half of it is in use, and not below that", () => {
    let now = 1_000;
    const budget = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => now });
    const { limiter } = budget;
    for (let index = 0; index < 4; index++) void limiter.acquire();
    budget.succeeded(now - 300);
    expect(budget.window).toBe(10); // 4 of 10
    void limiter.acquire();
    budget.succeeded(now - 300);
    expect(budget.window).toBe(11); // 5 of 10: a stage's fan-out makes room for the next one
  });

  test("a first flight refused before any call came back is not remembered as the provider's limit", () => {
    let now = 1_000;
    const budget = createAdaptiveConcurrency({ cap: 24, adaptive: true, now: () => now });
    const { limiter } = budget;
    // Twelve calls at once meet a provider's burst of 2: refused before any round trip is known.
    fanOut(limiter, 24);
    budget.rateLimited(now - 1, 15);
    expect(budget.window).toBe(8);
    expect(budget.learned().limitSeen).toBe(24);
    // Full demand from here on: one slot more per window's worth of successes (+1 a round trip),
    // not the slow probing past a limit the provider was seen to refuse.
    const windowBefore = budget.window;
    for (let index = 0; index < 8; index++) {
      now += 40;
      budget.succeeded(now - 300);
    }
    expect(budget.window).toBeCloseTo(windowBefore + 1, 5);
    // A refusal once round trips are measured is the provider's limit.
    budget.rateLimited(now - 1);
    expect(budget.learned().limitSeen).toBeCloseTo(windowBefore + 1, 5);
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

describe("limiter bursts", () => {
  test("lets a burst go at once after a quiet spell, then one admission per gap", async () => {
    let clock = 1_000;
    const limiter = createLimiter(10, () => clock);
    limiter.setPacing(20, 3);
    expect(fanOut(limiter, 5)).toBe(3);
    clock += 19;
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(limiter.active).toBe(3);
    clock += 1;
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(limiter.active).toBe(4);
    expect(() => limiter.setPacing(20, 0)).toThrow("Expected the burst to be a whole number of at least 1, got 0");
  });

  test("calls that waited in line for a slot go one per gap, not in a burst", () => {
    let clock = 1_000;
    const limiter = createLimiter(1, () => clock);
    limiter.setPacing(20, 3);
    void limiter.acquire();
    fanOut(limiter, 4);
    expect(limiter.waiting).toBe(4);
    clock += 1_000; // long enough for a full burst
    limiter.setLimit(5);
    expect(limiter.active).toBe(2);
    expect(limiter.waiting).toBe(3);
  });
});

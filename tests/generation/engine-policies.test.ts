// The small policies the engine is built from: backoff, the adaptive window, the limiter.
import { describe, expect, test } from "vitest";
import { createAdaptiveConcurrency } from "@/server/generation/limits/adaptive-concurrency";
import { clampWorkers } from "@/server/generation/engine-settings";
import { createLimiter } from "@/server/generation/limits/limiter";
import { IDLE_GRACE_MS, relaxLimits } from "@/server/generation/limits/provider-limits";
import { createProviderQuota } from "@/server/generation/limits/provider-quota";
import type { RateLimitSnapshot } from "@/server/providers/types";
import { retryDelayMs } from "@/server/generation/limits/retry-policy";

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
  /**
   * A controller on a fake clock; `succeed(n, took)` reports n successes that took `took` ms,
   * each with the window full (every slot held or a call waiting), as under steady demand.
   */
  function controllerWith(options: { cap: number }) {
    let now = 1_000;
    const controller = createAdaptiveConcurrency({ adaptive: true, now: () => now, ...options });
    const { limiter } = controller;
    return {
      controller,
      advance: (milliseconds: number) => (now += milliseconds),
      now: () => now,
      succeed(count: number, took = 100) {
        for (let index = 0; index < count; index++) {
          while (limiter.active < limiter.limit && limiter.waiting === 0) void limiter.acquire();
          controller.succeeded(now - took);
        }
      },
    };
  }

  test("starts at half the cap and grows by one slot per success until the cap", () => {
    const { controller, succeed } = controllerWith({ cap: 20 });
    expect(controller.limiter.limit).toBe(10);
    succeed(4);
    expect(controller.limiter.limit).toBe(14);
    succeed(100);
    expect(controller.limiter.limit).toBe(20);
  });

  test("the first 429 ends the growth at two thirds of the window, and one flight of 429s counts once", () => {
    const { controller, succeed, now } = controllerWith({ cap: 20 });
    succeed(20);
    expect(controller.limiter.limit).toBe(20);
    const sentAt = now() - 10;
    controller.rateLimited(sentAt);
    controller.rateLimited(sentAt); // sent before the decrease: the same congestion
    expect(controller.limiter.limit).toBe(13);
    succeed(1);
    expect(controller.window).toBeCloseTo(13.33 + 1 / 13, 2); // no longer a slot per success
  });

  test("a later 429 halves the window when little was delivered, down to one", () => {
    const { controller, succeed, advance, now } = controllerWith({ cap: 16 });
    succeed(16);
    controller.rateLimited(now()); // the end of the growth: 16 → 10
    advance(500); // the successes are older than a round trip: the delivered floor does not apply
    controller.rateLimited(now());
    expect(controller.limiter.limit).toBe(5);
    for (let step = 0; step < 10; step++) {
      advance(1);
      controller.rateLimited(now());
    }
    expect(controller.limiter.limit).toBe(1);
  });

  test("a later 429 brings the window to what the provider delivered in the last round trip, within 50–90%", () => {
    const { controller, succeed, advance, now } = controllerWith({ cap: 20 });
    succeed(20);
    controller.rateLimited(now()); // 20 → 13.3
    succeed(300); // back to the cap
    expect(controller.limiter.limit).toBe(20);
    advance(500);
    succeed(14); // fourteen calls of 100 ms completed just now
    controller.rateLimited(now());
    expect(controller.limiter.limit).toBe(14);
  });

  test("climbs back quickly to below the refused window, then probes beyond it slowly", () => {
    const { controller, succeed, now } = controllerWith({ cap: 20 });
    succeed(20);
    controller.rateLimited(now()); // refused at 20 → 13
    expect(controller.limiter.limit).toBe(13);
    const successesUntil = (limit: number) => {
      let count = 0;
      while (controller.limiter.limit < limit) {
        succeed(1);
        count++;
      }
      return count;
    };
    const backToJustBelow = successesUntil(19);
    const beyond = successesUntil(20);
    expect(backToJustBelow).toBeLessThan(110); // about one window's worth per step: 13 + 14 + … + 18
    expect(beyond).toBeGreaterThan(140); // about eight windows' worth for the step past 19
  });

  test("paces calls at the window per round trip: twice as fast while growing, 1.2 times after", () => {
    const { controller, succeed, now } = controllerWith({ cap: 20 });
    expect(controller.limiter.gapMs).toBe(0); // no round trip measured yet
    succeed(1, 300);
    expect(controller.limiter.gapMs).toBeCloseTo(300 / (11 * 2), 5); // 10 + 1 after that success
    succeed(19, 300);
    controller.rateLimited(now()); // 20 → 13
    expect(controller.limiter.gapMs).toBeCloseTo(300 / (13 * 1.2), 5);
    succeed(1, 5); // calls much faster than the timer's resolution are not paced
    succeed(200, 5);
    expect(controller.limiter.gapMs).toBe(0);
  });

  test("holds new calls until a 429's Retry-After has passed, including calls already let in", async () => {
    let clock = 1_000;
    const controller = createAdaptiveConcurrency({ cap: 4, adaptive: true, now: () => clock });
    await controller.limiter.acquire();
    const refusedAt = controller.sending();
    await controller.limiter.acquire(); // a call let in before the refusal arrives, not yet sent
    controller.rateLimited(refusedAt, 30);
    controller.limiter.release();
    expect(controller.holdMs()).toBe(31); // +1 ms: the clock's milliseconds are truncated
    controller.limiter.release();
    let admitted = false;
    const waiting = controller.limiter.acquire().then(() => (admitted = true));
    await new Promise((resolve) => setTimeout(resolve, 40)); // real time passes, the clock does not
    expect(admitted).toBe(false);
    clock += 31;
    expect(controller.holdMs()).toBe(0);
    await waiting;
    expect(admitted).toBe(true);
  });

  test("holds calls on a Retry-After even when adaptation is off", () => {
    const controller = createAdaptiveConcurrency({ cap: 4, adaptive: false, now: () => 500 });
    controller.rateLimited(controller.sending(), 200);
    expect(controller.holdMs()).toBe(201);
  });

  test("stays at the cap, unpaced, when adaptation is off", () => {
    const controller = createAdaptiveConcurrency({ cap: 6, adaptive: false, now: () => 1 });
    controller.succeeded(0);
    controller.rateLimited(1, 100);
    expect(controller.limiter.limit).toBe(6);
    expect(controller.limiter.gapMs).toBe(0);
  });
});

describe("pacing by rate", () => {
  /** A controller on a fake clock that sends a call, waits `took` and reports how it went. */
  function rateLimitedController(options: { cap?: number; slowestGapMs?: number } = {}) {
    let now = 1_000;
    const controller = createAdaptiveConcurrency({ cap: options.cap ?? 20, adaptive: true, now: () => now, slowestGapMs: options.slowestGapMs });
    return {
      controller,
      advance: (milliseconds: number) => (now += milliseconds),
      succeed(took: number, rateLimit?: RateLimitSnapshot, demandLimited = false) {
        const sentAt = controller.sending(demandLimited);
        now += took;
        controller.succeeded(sentAt, rateLimit);
      },
      refuse(retryAfterMs: number, demandLimited = false) {
        const sentAt = controller.sending(demandLimited);
        now += 1;
        controller.rateLimited(sentAt, retryAfterMs);
      },
    };
  }

  test("when even one call at a time is refused, paces at the rate the refusals and successes show", () => {
    const { controller, succeed, refuse, advance } = rateLimitedController({ cap: 2 });
    // A provider allowing 2 calls a second; calls take 300 ms, one at a time.
    succeed(300);
    refuse(500); // the first 429 ends the growth: 1 slot
    advance(499);
    expect(controller.rate).toBe(Number.POSITIVE_INFINITY);
    succeed(300);
    // One call at a time is refused, and one call was accepted between two refusals whose
    // Retry-Afters end 500 ms apart: 2 calls a second, paced a little below.
    refuse(200);
    expect(controller.rate).toBeCloseTo(2 * 0.98, 5);
    expect(controller.limiter.limit).toBe(1);
    expect(controller.limiter.gapMs).toBeCloseTo(1000 / (2 * 0.98), 5);
  });

  test("a refusal of a call the callers sent at their own pace, with nobody waiting, holds the budget but neither shrinks it nor sets a rate", () => {
    for (const demandLimited of [false, true]) {
      const { controller, succeed, refuse, advance } = rateLimitedController({ cap: 20 });
      // The calls of the test above, each sent at once into a window with room or let in by the budget.
      succeed(300, undefined, demandLimited);
      refuse(500, demandLimited);
      expect(controller.holdMs()).toBeGreaterThan(0);
      advance(499);
      succeed(300, undefined, demandLimited);
      refuse(200, demandLimited);
      if (demandLimited) {
        expect(controller.rate).toBe(Number.POSITIVE_INFINITY);
        expect(controller.window).toBe(10); // not shrunk (nor grown: nobody filled it)
      } else {
        expect(controller.rate).toBeCloseTo(2 * 0.98, 5);
      }
    }
    // A refused call comes back through the line: once it was let in by the budget, it adapts.
    const { controller, succeed, refuse } = rateLimitedController({ cap: 20 });
    succeed(300, undefined, true);
    refuse(500, true);
    expect(controller.window).toBe(10);
    refuse(500, false);
    expect(controller.window).toBeCloseTo(10 * (2 / 3), 5);
  });

  test("a call sent into a window with room adapts the budget when, by its refusal, calls are waiting in line", async () => {
    const { controller } = rateLimitedController({ cap: 20 });
    const sentAt = controller.sending(true);
    for (let slot = 0; slot < controller.limiter.limit; slot++) await controller.limiter.acquire();
    void controller.limiter.acquire(); // a burst's next call, waiting
    controller.rateLimited(sentAt, 500);
    expect(controller.window).toBeCloseTo(10 * (2 / 3), 5);
  });

  test("the quota headers set the rate before any 429, and hold a call until the quota has refilled", () => {
    const { controller, succeed, advance } = rateLimitedController();
    // 2 calls a second: 1 of a bucket of 2 left, full again in 500 ms.
    succeed(300, { requests: { limit: 2, remaining: 1, resetMs: 500 } });
    expect(controller.rate).toBeCloseTo(2 * 0.98, 5);
    expect(controller.holdMs()).toBe(0); // one call is left
    controller.sending();
    // Nothing left: 500 ms after the first call a token was back, 200 ms of it have passed... and
    // the one token left was just used: wait for the next (+3 ms of slack for the provider's count).
    expect(controller.holdMs()).toBeGreaterThanOrEqual(203);
    expect(controller.holdMs()).toBeLessThanOrEqual(204);
    advance(204);
    expect(controller.holdMs()).toBe(0);
  });

  test("climbs back while calls succeed and hands back to the window once the rate allows a few calls per round trip", () => {
    const { controller, succeed, refuse, advance } = rateLimitedController();
    succeed(300);
    refuse(500);
    advance(499);
    succeed(300);
    refuse(200); // paced at about 2 a second
    const paced = controller.rate;
    for (let index = 0; index < 400 && controller.rate < Number.POSITIVE_INFINITY; index++) succeed(300);
    expect(controller.rate).toBe(Number.POSITIVE_INFINITY);
    expect(controller.window).toBeGreaterThanOrEqual(4);
    expect(paced).toBeLessThan(2.1);
  });

  test("never paces slower than one call per slowest gap", () => {
    const { controller, succeed, refuse, advance } = rateLimitedController({ cap: 2, slowestGapMs: 60_000 });
    succeed(300);
    for (let index = 0; index < 40; index++) {
      refuse(10);
      advance(20);
    }
    expect(controller.rate).toBeCloseTo(1 / 60, 8);
    expect(controller.limiter.gapMs).toBeCloseTo(60_000, 3);
  });
});

describe("provider quota", () => {
  test("learns what a call uses of the token quota and waits for enough tokens", () => {
    const quota = createProviderQuota();
    quota.sent(0);
    quota.observe({ tokens: { limit: 1000, remaining: 700, resetMs: 300 } }, 0); // refills 1 token a millisecond
    expect(quota.waitMs(5)).toBe(0); // what a call uses is not known yet
    quota.sent(10);
    quota.observe({ tokens: { limit: 1000, remaining: 410, resetMs: 590 } }, 10); // 710 − 410: 300 a call
    expect(quota.waitMs(10)).toBe(0);
    quota.sent(11);
    // 410 + 1 ms of refill (less 3 ms of slack) − 300 for the call just sent: 108 left, 192 short.
    expect(quota.waitMs(11)).toBe(192);
    expect(quota.ratePerSecond).toBeUndefined(); // no request quota: no rate to pace at
  });

  test("an older call's late answer does not overwrite a newer view", () => {
    const quota = createProviderQuota();
    quota.sent(0);
    quota.sent(1);
    quota.observe({ requests: { limit: 2, remaining: 0, resetMs: 1000 } }, 1);
    quota.observe({ requests: { limit: 2, remaining: 1, resetMs: 500 } }, 0);
    expect(quota.waitMs(1)).toBeGreaterThan(400);
    expect(quota.ratePerSecond).toBe(2);
  });
});

describe("remembered limits", () => {
  test("a budget starts from what was learned instead of half the cap", () => {
    const controller = createAdaptiveConcurrency({ cap: 20, adaptive: true, now: () => 0 });
    controller.restore({ window: 7.5, limitSeen: 9, ratePerSecond: null, roundTripMs: 300, updatedAt: 0 });
    expect(controller.limiter.limit).toBe(7);
    expect(controller.limiter.gapMs).toBeCloseTo(300 / (7 * 1.2), 5); // paced from the first call
    controller.restore({ window: 1, limitSeen: 2, ratePerSecond: 0.5, roundTripMs: 300, updatedAt: 0 });
    expect(controller.rate).toBe(0.5);
    expect(controller.limiter.gapMs).toBe(2_000);
  });

  test("what was learned relaxes toward the cap after an idle spell, not after a short pause", () => {
    const learned = { window: 4, limitSeen: 5, ratePerSecond: 0.5, roundTripMs: 300, updatedAt: 0 };
    expect(relaxLimits(learned, 5 * 60_000, 20)).toEqual(learned);
    const hourLater = relaxLimits(learned, IDLE_GRACE_MS + 60 * 60_000, 20);
    expect(hourLater).toMatchObject({ window: 12, limitSeen: 12.5, ratePerSecond: 1 });
    expect(relaxLimits(learned, IDLE_GRACE_MS + 24 * 60 * 60_000, 20)).toMatchObject({ limitSeen: null });
  });
});

describe("limiter", () => {
  test("lets waiters in first come, first served as slots free up", async () => {
    const limiter = createLimiter(1);
    const order: number[] = [];
    expect(await limiter.acquire()).toBe(false); // a free slot: no wait
    const waiting = [1, 2, 3].map((index) => limiter.acquire().then((waited) => order.push(waited ? index : -index)));
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

  test("spaces admissions by the pacing gap, from when each was due, so late timers do not slow it", async () => {
    let clock = 1_000;
    const limiter = createLimiter(10, () => clock);
    limiter.setPacing(20);
    const admittedAt: number[] = [];
    const waiting = [0, 1, 2].map(() => limiter.acquire().then(() => admittedAt.push(clock)));
    await Promise.resolve();
    expect(admittedAt).toEqual([1_000]);
    clock += 15; // not yet
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(admittedAt).toEqual([1_000]);
    clock += 7; // the timer came 2 ms late: the next one is still due at 1 040
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(admittedAt).toEqual([1_000, 1_022]);
    clock = 1_040;
    await Promise.all(waiting);
    expect(admittedAt).toEqual([1_000, 1_022, 1_040]);
    expect(limiter.active).toBe(3);
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

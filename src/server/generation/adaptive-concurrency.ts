// The global budget for one kind of provider call, adapted to the provider with AIMD:
// - start at half the cap and grow by half a slot per success (×1.5 per round trip) until the
//   first 429 or the cap: a full first flight at a rate-limited provider is refused by the dozen;
// - on a 429 (once per flight of calls), decrease multiplicatively, to between half and 90% of
//   the window: to what the provider delivered in the last round trip (the concurrency it
//   actually sustains) when that lies in between, to half when it delivered little, then climb
//   back by one per window's worth of successes to just below the window that was refused, and
//   beyond it only slowly, probing whether the provider now allows more; never above the cap;
// - hold every new call until a 429's Retry-After has passed: the server has said it will refuse
//   them, and a slot freed by a refusal would otherwise send the next doomed request at once.
// The factors were chosen with bench/run.ts (see docs/benchmarks.md): always halving left a
// rate-bound run 10–30% short of the rate; probing faster doubled the 429s.
//
// The process talks to one provider (chosen once from the environment), so one controller per
// kind is one per provider and kind.
import { createLimiter, type Limiter } from "./limiter";

export interface AdaptiveConcurrencyOptions {
  cap: number;
  /** False keeps the window at the cap (a fixed limit). */
  adaptive: boolean;
  now: () => number;
  /** A 429 shrinks the window to between `most` and `least` times itself; default 0.5 and 0.9. */
  decrease?: { most: number; least: number };
  /** Above the last 429's window, successes per +1 are this many windows' worth; default 8. */
  probeSlowdown?: number;
}

export interface AdaptiveConcurrency {
  readonly limiter: Limiter;
  /** The current window (fractional; the limiter uses its whole part). */
  readonly window: number;
  /** `startedAt` is when the successful call was sent. */
  succeeded(startedAt: number): void;
  /** `startedAt` is when the rate-limited call was sent. */
  rateLimited(startedAt: number, retryAfterMs?: number): void;
}

export function createAdaptiveConcurrency(options: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
  const decrease = options.decrease ?? { most: 0.5, least: 0.9 };
  const probeSlowdown = options.probeSlowdown ?? 8;
  let window = options.adaptive ? Math.max(1, Math.ceil(options.cap / 2)) : options.cap;
  const limiter = createLimiter(window, options.now);
  let slowStart = options.adaptive;
  /** The window at the last 429: the provider's limit as last seen. */
  let limitSeen = Number.POSITIVE_INFINITY;
  let lastDecreaseAt = Number.NEGATIVE_INFINITY;
  // When recent successes completed, and how long calls take: what the provider delivers per
  // round trip is the concurrency it sustains, which is where a 429 should bring the window.
  const completions = new Float64Array(1024);
  let completionCount = 0;
  let roundTripMs = 0;

  const apply = () => {
    const whole = Math.max(1, Math.floor(window));
    if (whole !== limiter.limit) limiter.setLimit(whole);
  };

  const deliveredWithin = (milliseconds: number) => {
    const since = options.now() - milliseconds;
    let count = 0;
    for (let index = completionCount - 1; index >= 0 && index >= completionCount - 1024; index--) {
      if (completions[index & 1023]! <= since) break;
      count++;
    }
    return count;
  };

  return {
    limiter,
    get window() {
      return window;
    },
    succeeded(startedAt) {
      if (!options.adaptive) return;
      const now = options.now();
      completions[completionCount++ & 1023] = now;
      roundTripMs = roundTripMs === 0 ? now - startedAt : roundTripMs * 0.9 + (now - startedAt) * 0.1;
      if (window >= options.cap) return;
      const step = slowStart
        ? 0.5
        : window < limitSeen - 1
          ? 1 / Math.floor(window)
          : 1 / (Math.floor(window) * probeSlowdown);
      window = Math.min(options.cap, window + step);
      apply();
    },
    rateLimited(startedAt, retryAfterMs) {
      if (!options.adaptive) return;
      if (retryAfterMs !== undefined && retryAfterMs > 0) limiter.pauseUntil(options.now() + retryAfterMs);
      // Calls sent before the last decrease were sent under the old window: their 429s are the
      // same congestion, already answered. Decreasing once per flight avoids collapsing to 1.
      if (startedAt < lastDecreaseAt) return;
      slowStart = false;
      limitSeen = window;
      const delivered = roundTripMs > 0 ? deliveredWithin(roundTripMs) : Number.POSITIVE_INFINITY;
      window = Math.max(1, window * decrease.most, Math.min(window * decrease.least, delivered));
      lastDecreaseAt = options.now();
      apply();
    },
  };
}

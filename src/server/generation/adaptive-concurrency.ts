// The global budget for one kind of provider call, adapted to the provider with AIMD on a window
// of calls in flight, sent as a paced stream:
// - start at half the cap and grow by one slot per success (×2 per round trip) until the first
//   429 or the cap: a full first flight at a rate-limited provider is refused by the dozen;
// - on the first 429, go back to two thirds of the window: between the window of the round trip
//   before (half) and the refused one, since paced calls are refused early in the round that
//   overshot; on later 429s (once per flight of calls), decrease to
//   between half and 90% of the window: to what the provider delivered in the last round trip
//   when that lies in between, to half when it delivered little; then climb back by one per
//   window's worth of successes to just below the window that was refused, and beyond it only
//   slowly, probing whether the provider now allows more; never above the cap;
// - pace the calls once a round trip has been measured: a window of W calls per round trip goes
//   out as a stream (at most 2× that rate while growing, 1.2× after, as Linux paces TCP), not
//   in bursts. Calls that finish together would otherwise be replaced together, and a provider
//   that limits its rate with a small burst refuses most of a burst it would accept spread out;
//   a 429 in a stream also comes back before the next call goes out;
// - hold every new call until a 429's Retry-After has passed: the server has said it will refuse
//   them, and a slot freed by a refusal would otherwise send the next doomed request at once.
// The factors were chosen with bench/run.ts (see docs/benchmarks.md): always halving left a
// rate-bound run 10–30% short of the rate; probing faster doubled the 429s; growing by half a
// slot per success cost a cold engine 1–2% more at the cap; without pacing a
// provider whose burst is smaller than the window it sustains was driven at 60–80% of its rate.
//
// The process talks to one provider (chosen once from the environment), so one controller per
// kind is one per provider and kind.
import { createLimiter, type Limiter } from "./limiter";

export interface AdaptiveConcurrencyOptions {
  cap: number;
  /** False keeps the window at the cap (a fixed limit, no pacing). */
  adaptive: boolean;
  now: () => number;
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

/** Growth stops at the first 429 with the window at this share of itself. */
const SLOW_START_EXIT = 2 / 3;
/** Later 429s bring the window to between these shares of itself. */
const DECREASE = { most: 0.5, least: 0.9 };
/** Above the last 429's window, successes per +1 are this many windows' worth. */
const PROBE_SLOWDOWN = 8;
/** How much faster than window ÷ round trip calls may go out, while growing and after. */
const PACING = { growing: 2, steady: 1.2 };

export function createAdaptiveConcurrency(options: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
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
    const gapMs = roundTripMs / (whole * (slowStart ? PACING.growing : PACING.steady));
    // Timers do not wait less than a millisecond: a finer gap would only slow the stream down.
    limiter.setPacing(gapMs >= 1 ? gapMs : 0);
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
      if (window < options.cap) {
        const step = slowStart
          ? 1
          : window < limitSeen - 1
            ? 1 / Math.floor(window)
            : 1 / (Math.floor(window) * PROBE_SLOWDOWN);
        window = Math.min(options.cap, window + step);
      }
      apply();
    },
    rateLimited(startedAt, retryAfterMs) {
      if (!options.adaptive) return;
      if (retryAfterMs !== undefined && retryAfterMs > 0) limiter.pauseUntil(options.now() + retryAfterMs);
      // Calls sent before the last decrease were sent under the old window: their 429s are the
      // same congestion, already answered. Decreasing once per flight avoids collapsing to 1.
      if (startedAt < lastDecreaseAt) return;
      limitSeen = window;
      if (slowStart) {
        slowStart = false;
        window = Math.max(1, window * SLOW_START_EXIT);
      } else {
        const delivered = roundTripMs > 0 ? deliveredWithin(roundTripMs) : Number.POSITIVE_INFINITY;
        window = Math.max(1, window * DECREASE.most, Math.min(window * DECREASE.least, delivered));
      }
      lastDecreaseAt = options.now();
      apply();
    },
  };
}

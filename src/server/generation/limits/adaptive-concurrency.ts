// The global budget for one kind of provider call, adapted to the provider with AIMD on a window
// of calls in flight, sent as a paced stream:
// - start at half the cap (or from what an earlier engine learned: see provider-limits.ts) and
//   grow by one slot per success (×2 per round trip) until the first 429 or the cap: a full first
//   flight at a rate-limited provider is refused by the dozen;
// - grow only while the window is full (every slot in use, or calls waiting for one; in slow
//   start, at least half of it), as TCP validates its congestion window (RFC 7661, and Linux's
//   tcp_is_cwnd_limited): a window nobody fills says nothing about what the provider sustains,
//   and one grown on it overshoots as soon as demand arrives;
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
//   a 429 in a stream also comes back before the next call goes out. Until the provider has
//   pushed back (a 429, or quota headers showing fewer calls left than the window), a fan-out
//   into free slots of up to the first flight's size (half the cap) goes out at once: a stage's
//   ten calls that start together are not spread over a round trip. Calls beyond it, and calls
//   queued behind a full window (slow start's growth), are paced as before;
// - pace by rate when the provider allows fewer than a few calls per round trip (r·L small): a
//   window cannot go below one call, and between one and a few its steps are too coarse (one slot
//   more is +50%). See rate-pacing.ts;
// - hold every new call until a 429's Retry-After has passed, and until the provider's quota
//   headers say a call would be let in (provider-quota.ts): the server has said it would refuse it.
// The factors were chosen with bench/run.ts (see docs/benchmarks.md): always halving left a
// rate-bound run 10–30% short of the rate; probing faster doubled the 429s; growing by half a
// slot per success cost a cold engine 1–2% more at the cap; without pacing a
// provider whose burst is smaller than the window it sustains was driven at 60–80% of its rate.
import type { RateLimitSnapshot } from "@/server/providers/types";
import { createLimiter, type Limiter } from "./limiter";
import { IDLE_GRACE_MS, relaxLimits, type LearnedLimits } from "./provider-limits";
import { createProviderQuota } from "./provider-quota";
import { createRatePacing } from "./rate-pacing";

export interface AdaptiveConcurrencyOptions {
  cap: number;
  /** False keeps the window at the cap (a fixed limit, no pacing); Retry-After still holds calls. */
  adaptive: boolean;
  now: () => number;
  /** The slowest a rate limit may pace calls: one per this long. Default one a minute. */
  slowestGapMs?: number;
  /**
   * Builds the limiter the window and pacing are applied to; an in-process one by default. Worker
   * processes pass one shared through Redis (shared/shared-limiter.ts).
   */
  createLimiter?: (initialLimit: number, now: () => number) => Limiter;
}

export interface AdaptiveConcurrency {
  readonly limiter: Limiter;
  /** The current window (fractional; the limiter uses its whole part). */
  readonly window: number;
  /** Calls per second the budget paces to; Infinity while it paces by window alone. */
  readonly rate: number;
  /** Set while what an earlier engine learned is being loaded; calls wait for it. */
  loading: Promise<void> | null;
  /** Called after every change worth storing. */
  onChange: (() => void) | null;
  /** How long a call let in by the limiter must still wait before it is sent (0: send it). */
  holdMs(): number;
  /**
   * A call goes out now; `demandLimited` when it went at once into a window with room (the
   * callers, not the budget, set the pace). Returns its send time: unique and increasing, the
   * call's `startedAt`.
   */
  sending(demandLimited?: boolean): number;
  succeeded(startedAt: number, rateLimit?: RateLimitSnapshot): void;
  /** `startedAt` is when the rate-limited call was sent. */
  rateLimited(startedAt: number, retryAfterMs?: number, rateLimit?: RateLimitSnapshot): void;
  /** Any other failure: its headers still say how full the provider's quotas are. */
  failed(startedAt: number, rateLimit?: RateLimitSnapshot): void;
  /** What the budget has learned, to store. */
  learned(): LearnedLimits;
  /** Starts from what an earlier engine learned. */
  restore(limits: LearnedLimits): void;
  /** When the window or rate was last lowered: 429s of calls sent before it are already answered. */
  readonly decreasedAt: number;
  /**
   * Takes another process's decision as its own (budgets shared by worker processes): what it
   * learned, and when it last decreased, so the same 429s are not answered twice.
   */
  adopt(limits: LearnedLimits, decreasedAt: number): void;
  /**
   * The processes sharing the budget have together grown it to this window (or, pacing by rate,
   * this rate): take it, keeping what this process knows of the provider (the last limit seen,
   * the round trip, how the rate climbs).
   */
  climbedTo(window: number, ratePerSecond: number | null): void;
  /**
   * Other processes sharing the budget sent `count` calls since this one last heard: they count
   * in the rate estimate between two 429s and in the quota mirror as this process's own do, and
   * in what the provider delivered per round trip (where a 429 brings the window): at a steady
   * pace, as many calls are sent per round trip as are answered.
   */
  othersSent(count: number): void;
}

/** Growth stops at the first 429 with the window at this share of itself. */
const SLOW_START_EXIT = 2 / 3;
/** Later 429s bring the window to between these shares of itself. */
const DECREASE = { most: 0.5, least: 0.9 };
/** Above the last 429's window, successes per +1 are this many windows' worth. */
const PROBE_SLOWDOWN = 8;
/** How much faster than window ÷ round trip calls may go out, while growing and after. */
const PACING = { growing: 2, steady: 1.2 };
/**
 * Calls sent at once before the provider has pushed back: the first flight's size, as a share of
 * the cap. The pacing's burst is 1 once it has.
 */
const UNPACED_BURST_SHARE = 1 / 2;
/** Below this many calls per round trip the budget paces by rate instead of by window. */
export const RATE_MODE_CALLS_PER_ROUND_TRIP = 4;

export function createAdaptiveConcurrency(options: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
  const { cap, adaptive, now } = options;
  const unpacedBurst = Math.max(1, Math.ceil(cap * UNPACED_BURST_SHARE));
  let window = adaptive ? unpacedBurst : cap;
  const limiter = (options.createLimiter ?? createLimiter)(window, now);
  let slowStart = adaptive;
  /** The provider refused a call, or its quota headers showed it near its limit: pace every call. */
  let pushedBack = false;
  /** The window at the last 429: the provider's limit as last seen. */
  let limitSeen = Number.POSITIVE_INFINITY;
  let lastDecreaseAt = Number.NEGATIVE_INFINITY;
  // When recent successes completed, and how long calls take: what the provider delivers per
  // round trip is the concurrency it sustains, which is where a 429 should bring the window.
  const completions = new Float64Array(1024);
  let completionCount = 0;
  let roundTripMs = 0;
  /** No new call is sent before this: the latest Retry-After. */
  let holdUntil = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  /** The last call sent or answered; idle spells relax what was learned. */
  let lastActivityAt = Number.POSITIVE_INFINITY;
  const quota = createProviderQuota();
  const pacing = createRatePacing({ slowestGapMs: options.slowestGapMs ?? 60_000 });

  const callsPerRoundTrip = (rate: number) => (roundTripMs > 0 ? (rate * roundTripMs) / 1000 : Number.POSITIVE_INFINITY);

  const apply = () => {
    let whole: number;
    let gapMs: number;
    if (pacing.active) {
      // The rate sets the pace; the window only bounds calls in flight when answers slow down.
      window = Math.min(cap, Math.max(1, Math.ceil(callsPerRoundTrip(pacing.rate) * PACING.steady)));
      whole = window;
      gapMs = 1000 / pacing.rate;
    } else {
      whole = Math.max(1, Math.floor(window));
      gapMs = roundTripMs / (whole * (slowStart ? PACING.growing : PACING.steady));
    }
    const burst = pushedBack || pacing.active ? 1 : Math.min(unpacedBurst, whole);
    // Timers do not wait less than a millisecond: a finer gap would only slow the stream down.
    limiter.setPacing(gapMs >= 1 ? gapMs : 0, burst);
    if (whole !== limiter.limit) limiter.setLimit(whole);
  };

  const changed = () => budget.onChange?.();

  /** Paces by rate from now on, when `rate` is too few calls per round trip for a window to steer. */
  const paceByRateIfSlow = (rate: number | undefined, margin: number): boolean => {
    if (rate === undefined || !(callsPerRoundTrip(rate) < RATE_MODE_CALLS_PER_ROUND_TRIP)) return false;
    pacing.start(rate, margin);
    slowStart = false;
    return true;
  };

  /** Hands back to the window once the rate allows enough calls per round trip for it. */
  const windowIfFast = () => {
    if (!pacing.active || callsPerRoundTrip(pacing.rate) < RATE_MODE_CALLS_PER_ROUND_TRIP) return;
    window = Math.min(cap, callsPerRoundTrip(pacing.rate));
    limitSeen = window;
    pacing.stop();
  };

  const deliveredWithin = (milliseconds: number) => {
    const since = now() - milliseconds;
    let count = 0;
    for (let index = completionCount - 1; index >= 0 && index >= completionCount - 1024; index--) {
      if (completions[index & 1023]! <= since) break;
      count++;
    }
    return count;
  };

  const decreaseWindow = () => {
    // Refused before any call came back, the first flight (sent unpaced: no round trip measured)
    // met the provider's burst, not its sustained limit: a provider that lets 2 calls in at once
    // may sustain 16 in flight. Remembered as a limit, it would keep the window probing slowly
    // far below what the provider allows; the window grows back by one a round trip instead.
    limitSeen = roundTripMs > 0 ? window : cap;
    if (slowStart) {
      slowStart = false;
      window = Math.max(1, window * SLOW_START_EXIT);
    } else {
      const delivered = roundTripMs > 0 ? deliveredWithin(roundTripMs) : Number.POSITIVE_INFINITY;
      window = Math.max(1, window * DECREASE.most, Math.min(window * DECREASE.least, delivered));
    }
  };

  const budget: AdaptiveConcurrency = {
    limiter,
    get window() {
      return window;
    },
    get rate() {
      return pacing.active ? pacing.rate : Number.POSITIVE_INFINITY;
    },
    loading: null,
    onChange: null,

    holdMs() {
      const current = now();
      return Math.max(0, holdUntil - current, quota.waitMs(current));
    },

    sending(demandLimited = false) {
      // Times are unique so that the quota and the rate estimate can tell calls apart.
      const sentAt = Math.max(now(), lastSentAt + 0.001);
      if (adaptive && sentAt - lastActivityAt > IDLE_GRACE_MS) budget.restore(relaxLimits(budget.learned(), sentAt - lastActivityAt, cap));
      lastSentAt = sentAt;
      lastActivityAt = sentAt;
      quota.sent(sentAt);
      pacing.sent(sentAt, demandLimited);
      return sentAt;
    },

    succeeded(startedAt, rateLimit) {
      if (rateLimit) quota.observe(rateLimit, startedAt);
      if (!adaptive) return;
      const current = now();
      lastActivityAt = current;
      completions[completionCount++ & 1023] = current;
      roundTripMs = roundTripMs === 0 ? current - startedAt : roundTripMs * 0.9 + (current - startedAt) * 0.1;
      if (pacing.active) {
        pacing.succeeded(quota.ratePerSecond === undefined ? undefined : quota.ratePerSecond * pacing.margin);
        windowIfFast();
      } else {
        // This call still holds its slot: the window is full when every slot is held or calls
        // wait. In slow start, half full is enough: the window doubles per round trip and may
        // be up to twice what is in use, as Linux grows cwnd while under twice the packets out.
        const full = slowStart
          ? (limiter.active + limiter.waiting) * 2 >= Math.floor(window)
          : limiter.full;
        if (window < cap && full) {
          const step = slowStart
            ? 1
            : window < limitSeen - 1
              ? 1 / Math.floor(window)
              : 1 / (Math.floor(window) * PROBE_SLOWDOWN);
          window = Math.min(cap, window + step);
        }
        // The quota headers tell the rate before any 429: a slow one is paced from now on.
        paceByRateIfSlow(quota.ratePerSecond, pacing.margin);
      }
      // Fewer calls left than a window: a fan-out sent at once would be refused in part.
      if (!pushedBack && quota.callsAvailable(current) < Math.floor(window)) pushedBack = true;
      apply();
      changed();
    },

    rateLimited(startedAt, retryAfterMs, rateLimit) {
      const current = now();
      if (rateLimit) quota.observe(rateLimit, startedAt);
      // +1: the clock's milliseconds are truncated, and a call a moment early is refused again.
      if (retryAfterMs !== undefined && retryAfterMs > 0) {
        holdUntil = Math.max(holdUntil, current + retryAfterMs + 1);
        limiter.pauseUntil(holdUntil);
      }
      if (!adaptive) return;
      lastActivityAt = current;
      pushedBack = true;
      const estimate = pacing.refused(startedAt, current + (retryAfterMs ?? 0)) ?? quota.ratePerSecond;
      // Sent at once into a window with room, and still nobody waiting: the callers' pace was
      // refused, not the budget's, so neither says how fast the provider allows. The hold above
      // answers it; the refused call comes back through the line, and a refusal then adapts.
      // Adapting to the callers' pace would ratchet a budget down to one call at a time on a
      // provider that refuses at random (overload) while asked for less than it allows.
      if (pacing.wasDemandLimited(startedAt) && !limiter.full) return;
      // Calls sent before the last decrease were sent under the old window: their 429s are the
      // same congestion, already answered. Decreasing once per flight avoids collapsing to 1.
      if (startedAt < lastDecreaseAt) return;
      if (pacing.active) pacing.decrease(estimate);
      else if (!paceByRateIfSlow(estimate, pacing.margin)) {
        // Even one call at a time is refused: pace below one call per round trip.
        if (Math.floor(window) <= 1 && !slowStart && roundTripMs > 0) pacing.start(1000 / roundTripMs, pacing.decreaseFactor);
        else decreaseWindow();
      }
      lastDecreaseAt = current;
      apply();
      changed();
    },

    failed(startedAt, rateLimit) {
      if (rateLimit) quota.observe(rateLimit, startedAt);
    },

    learned() {
      return {
        window,
        limitSeen: Number.isFinite(limitSeen) ? limitSeen : null,
        ratePerSecond: pacing.active ? pacing.rate : null,
        roundTripMs: roundTripMs > 0 ? roundTripMs : null,
        updatedAt: Number.isFinite(lastActivityAt) ? lastActivityAt : now(),
      };
    },

    restore(limits) {
      if (!adaptive) return;
      window = Math.min(cap, Math.max(1, limits.window));
      limitSeen = limits.limitSeen ?? Number.POSITIVE_INFINITY;
      // Never refused: keep growing quickly; refused before: probe past that limit slowly.
      slowStart = limits.limitSeen === null && limits.ratePerSecond === null;
      pushedBack = !slowStart;
      roundTripMs = limits.roundTripMs ?? 0;
      if (limits.ratePerSecond === null) pacing.stop();
      else pacing.start(limits.ratePerSecond, 1);
      lastActivityAt = Math.max(limits.updatedAt, Number.isFinite(lastActivityAt) ? lastActivityAt : limits.updatedAt);
      windowIfFast();
      apply();
    },

    get decreasedAt() {
      return lastDecreaseAt;
    },

    othersSent(count) {
      for (let index = 0; index < count; index++) {
        const sentAt = Math.max(now(), lastSentAt + 0.001);
        lastSentAt = sentAt;
        quota.sent(sentAt);
        pacing.sent(sentAt, false);
        completions[completionCount++ & 1023] = sentAt;
      }
    },

    adopt(limits, decreasedAt) {
      budget.restore(limits);
      lastDecreaseAt = Math.max(lastDecreaseAt, decreasedAt);
    },

    climbedTo(nextWindow, ratePerSecond) {
      if (!adaptive) return;
      if (pacing.active) {
        if (ratePerSecond !== null) pacing.climbedTo(ratePerSecond);
        windowIfFast();
      } else window = Math.min(cap, Math.max(1, nextWindow));
      apply();
    },
  };
  return budget;
}

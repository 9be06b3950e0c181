// Pacing by rate, for a budget whose provider allows fewer calls than a few per round trip. The
// rate starts from an estimate (the quota headers, or what was accepted between two 429s: see
// rate-estimate.ts), a little below it; climbs back quickly to what the provider was seen to
// allow and past it only slowly, faster the longer it goes unrefused, probing whether the
// provider now allows more; a 429 brings it back to the new estimate, or to 80% without one.
// Never slower than one call per `slowestGapMs`.
import { createRateEstimator } from "./rate-estimate";

/** Share of an estimated rate to pace at: a little slack for timers and network jitter. */
const MARGIN = 0.98;
/** A 429 without an estimate: the rate falls to this share of itself. */
const DECREASE = 0.8;
/** Per success, below the rate last seen allowed. */
const CLIMB = 0.05;
/** Per success, past the rate last seen allowed; grows by one share per this many successes. */
const PROBE = { step: 0.001, acceleration: 32 };

export interface RatePacing {
  readonly active: boolean;
  /** Calls per second. */
  readonly rate: number;
  readonly margin: number;
  readonly decreaseFactor: number;
  /** Paces at `share` of `rate` from now on. */
  start(rate: number, share: number): void;
  stop(): void;
  sent(at: number, demandLimited: boolean): void;
  /** Whether the call sent at `at` went out at the callers' pace, not the budget's. */
  wasDemandLimited(at: number): boolean;
  /** Records a refusal; returns the rate estimated from it, if any. */
  refused(sentAt: number, availableAt: number): number | undefined;
  /** `quotaRate` is the rate the provider's headers state, if they do: no probing past it. */
  succeeded(quotaRate: number | undefined): void;
  /** Another process sharing the budget climbed it to `next`: pace at that, keeping how far to climb quickly. */
  climbedTo(next: number): void;
  decrease(estimate: number | undefined): void;
}

export function createRatePacing(options: { slowestGapMs: number }): RatePacing {
  const slowest = 1000 / options.slowestGapMs;
  const estimator = createRateEstimator();
  let active = false;
  let rate = Number.POSITIVE_INFINITY;
  /** The rate the provider was last seen to allow. */
  let allowed = Number.POSITIVE_INFINITY;
  let probes = 0;

  return {
    get active() {
      return active;
    },
    get rate() {
      return rate;
    },
    margin: MARGIN,
    decreaseFactor: DECREASE,
    start(next, share) {
      active = true;
      allowed = next;
      rate = Math.max(slowest, next * share);
      probes = 0;
    },
    stop() {
      active = false;
      rate = Number.POSITIVE_INFINITY;
      allowed = Number.POSITIVE_INFINITY;
    },
    sent(at, demandLimited) {
      estimator.sent(at, demandLimited);
    },
    wasDemandLimited(at) {
      return estimator.wasDemandLimited(at);
    },
    refused(sentAt, availableAt) {
      return estimator.refused(sentAt, availableAt);
    },
    succeeded(quotaRate) {
      if (rate < allowed) rate = Math.min(allowed, rate * (1 + CLIMB));
      else rate *= 1 + PROBE.step * (1 + probes++ / PROBE.acceleration);
      if (quotaRate !== undefined) rate = Math.max(slowest, Math.min(rate, quotaRate));
    },
    climbedTo(next) {
      if (active) rate = Math.max(slowest, next);
    },
    decrease(estimate) {
      // Refused at a rate below the estimate: the estimate was flattered (a burst, jitter).
      if (estimate !== undefined) {
        allowed = Math.min(estimate, rate);
        rate = allowed * MARGIN;
      } else {
        allowed = rate * MARGIN;
        rate *= DECREASE;
      }
      rate = Math.max(slowest, rate);
      probes = 0;
    },
  };
}

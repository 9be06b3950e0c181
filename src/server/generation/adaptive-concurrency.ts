// The global budget for one kind of provider call, adapted to the provider (AIMD): a 429 halves
// the window, successes raise it by one per window's worth of calls, never above the configured
// cap. The process talks to one provider (chosen once from the environment), so one controller
// per kind is one per provider and kind.
import { createLimiter, type Limiter } from "./limiter";

export interface AdaptiveConcurrencyOptions {
  cap: number;
  /** False keeps the window at the cap (a fixed limit). */
  adaptive: boolean;
  decreaseFactor?: number;
  now: () => number;
}

export interface AdaptiveConcurrency {
  readonly limiter: Limiter;
  /** The current window (fractional; the limiter uses its whole part). */
  readonly window: number;
  succeeded(): void;
  /** `startedAt` is when the rate-limited call was sent. */
  rateLimited(startedAt: number): void;
}

export function createAdaptiveConcurrency(options: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
  const decreaseFactor = options.decreaseFactor ?? 0.5;
  const limiter = createLimiter(options.cap);
  let window = options.cap;
  let lastDecreaseAt = Number.NEGATIVE_INFINITY;

  const apply = () => {
    const whole = Math.max(1, Math.floor(window));
    if (whole !== limiter.limit) limiter.setLimit(whole);
  };

  return {
    limiter,
    get window() {
      return window;
    },
    succeeded() {
      if (!options.adaptive || window >= options.cap) return;
      window = Math.min(options.cap, window + 1 / Math.floor(window));
      apply();
    },
    rateLimited(startedAt) {
      if (!options.adaptive) return;
      // Calls sent before the last decrease were sent under the old window: their 429s are the
      // same congestion, already answered. Halving once per flight avoids collapsing to 1.
      if (startedAt < lastDecreaseAt) return;
      window = Math.max(1, window * decreaseFactor);
      lastDecreaseAt = options.now();
      apply();
    },
  };
}

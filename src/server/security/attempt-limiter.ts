// Counts attempts per key in a sliding window, in this process's memory: what the sign-in and
// sign-up throttles are built on. Each key keeps at most `max` timestamps, and keys whose window
// has passed are dropped as new ones come, so memory stays bounded under a flood of keys.
// (Several server processes would each count on their own; a shared store is for the scale-out.)

export interface AttemptRule {
  /** Attempts allowed in one window. */
  max: number;
  windowMs: number;
}

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface AttemptLimiter {
  /** Counts an attempt when one is left in the window; otherwise says how long until one is. */
  consume(key: string, rule: AttemptRule): AttemptDecision;
  /** Forgets a key's attempts (a successful sign-in clears the account's failures). */
  reset(key: string): void;
  /** Keys currently held (for tests of the memory bound). */
  size(): number;
}

export interface AttemptLimiterOptions {
  now?: () => number;
  /** Above this many keys, expired keys are swept and then the oldest dropped. Default 100,000. */
  maxKeys?: number;
}

export function createAttemptLimiter(options: AttemptLimiterOptions = {}): AttemptLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  // Insertion order is last-touched order: a touched key is deleted and set again.
  const attempts = new Map<string, { times: number[]; windowMs: number }>();

  function live(key: string, windowMs: number, at: number): number[] {
    const entry = attempts.get(key);
    if (!entry) return [];
    const times = entry.times.filter((time) => at - time < windowMs);
    return times;
  }

  function sweep(at: number) {
    for (const [key, entry] of attempts) {
      if (entry.times.every((time) => at - time >= entry.windowMs)) attempts.delete(key);
    }
    for (const key of attempts.keys()) {
      if (attempts.size <= maxKeys) break;
      attempts.delete(key);
    }
  }

  return {
    consume(key, rule) {
      if (!(rule.max >= 1) || !(rule.windowMs > 0)) throw new Error(`A rule needs max ≥ 1 and windowMs > 0, got ${JSON.stringify(rule)}`);
      const at = now();
      const times = live(key, rule.windowMs, at);
      if (times.length >= rule.max) {
        attempts.set(key, { times, windowMs: rule.windowMs });
        return { allowed: false, retryAfterMs: Math.max(1, times[times.length - rule.max]! + rule.windowMs - at) };
      }
      times.push(at);
      attempts.delete(key);
      attempts.set(key, { times, windowMs: rule.windowMs });
      if (attempts.size > maxKeys) sweep(at);
      return { allowed: true };
    },
    reset(key) {
      attempts.delete(key);
    },
    size: () => attempts.size,
  };
}

// The fake provider's rate limit: a token bucket per model (or one for every model), in real time,
// and the x-ratelimit-* headers OpenAI sends with every answer, computed from the bucket.

export interface FakeRateLimit {
  /** Tokens added per second (real, unscaled time). */
  ratePerSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export interface BucketState {
  /** Whole requests the bucket allows now. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface TokenBucket {
  readonly settings: FakeRateLimit;
  /** Takes a token and returns undefined, or returns how many milliseconds until one is available. */
  take(): number | undefined;
  state(): BucketState;
}

export function createBucket(rateLimit: FakeRateLimit): TokenBucket {
  const { ratePerSecond, burst } = rateLimit;
  if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error("rateLimit needs ratePerSecond > 0 and burst >= 1");
  let tokens = burst;
  let updatedAt = performance.now();
  const refill = () => {
    const current = performance.now();
    tokens = Math.min(burst, tokens + ((current - updatedAt) / 1000) * ratePerSecond);
    updatedAt = current;
  };
  return {
    settings: rateLimit,
    take() {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return undefined;
      }
      return ((1 - tokens) / ratePerSecond) * 1000;
    },
    state() {
      refill();
      return { remaining: Math.floor(tokens), resetMs: ((burst - tokens) / ratePerSecond) * 1000 };
    },
  };
}

/**
 * OpenAI's request headers for the bucket as it is right after this request was counted: the
 * limit is the bucket's size, the reset the time until it is full, written like OpenAI writes it.
 */
export function rateLimitHeaders(bucket: TokenBucket): Record<string, string> {
  const { remaining, resetMs } = bucket.state();
  return {
    "x-ratelimit-limit-requests": String(bucket.settings.burst),
    "x-ratelimit-remaining-requests": String(remaining),
    "x-ratelimit-reset-requests": formatDuration(resetMs),
  };
}

/** Go's duration format as OpenAI sends it: "20ms", "1.5s", "6m0s". */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.ceil(milliseconds)}ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${trim(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${trim(seconds - minutes * 60)}s`;
}

function trim(value: number): string {
  return String(Number(value.toFixed(3)));
}

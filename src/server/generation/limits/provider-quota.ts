// A mirror of a provider's quotas, kept from its rate-limit headers (x-ratelimit-*), so a call
// waits for its quota to refill instead of being refused: slowing down before a 429, not after.
//
// A quota is read as a bucket: `limit` calls (or tokens) when full, refilling at
// (limit − remaining) ÷ reset, with `remaining` counted when the call that carried the headers
// arrived (taken as when it was sent). Calls sent since then are subtracted, since the headers
// have not seen them yet. Tokens per call are unknown to the engine: they are learned from how
// much of the token quota consecutive calls used.
import type { RateLimitQuota, RateLimitSnapshot } from "@/server/providers/types";

/** Weight of the newest observation in the running estimate of tokens per call. */
const COST_SMOOTHING = 0.3;
/** Send times kept to count the calls sent since a snapshot. */
const SENDS_KEPT = 1024;
/**
 * A call is let in only once the quota has refilled this long ago: the provider counts a call
 * when it arrives, a moment after it was sent, and the engine's clock has whole milliseconds.
 */
const SLACK_MS = 3;

export interface ProviderQuota {
  /** Takes in the headers of an answer to a call sent at `sentAt`. */
  observe(snapshot: RateLimitSnapshot, sentAt: number): void;
  /** A call goes out at `now`, a time no other call was sent at. */
  sent(now: number): void;
  /** Milliseconds until the quotas allow one more call (0: now). */
  waitMs(now: number): number;
  /** Calls the quotas would let in at once now: Infinity until the headers have shown a limit. */
  callsAvailable(now: number): number;
  /** Calls per second the request quota refills at, once the headers have said. */
  readonly ratePerSecond: number | undefined;
}

interface Dimension {
  limit: number;
  /** Units per millisecond; undefined until a snapshot with a deficit has shown it. */
  refillPerMs: number | undefined;
  /** Remaining units as of `at`. */
  level: number;
  at: number;
  /** Units one call uses: 1 for requests, learned for tokens. */
  cost: number | undefined;
  /** Calls sent after `at`: the headers have not counted them. */
  sentSince: number;
}

export function createProviderQuota(): ProviderQuota {
  const sends = new Float64Array(SENDS_KEPT);
  let sendCount = 0;
  let requests: Dimension | undefined;
  let tokens: Dimension | undefined;
  let latestSnapshotAt = Number.NEGATIVE_INFINITY;

  /** Calls sent after `time`, not counting the one sent at `time` itself (send times are unique). */
  const sentAfter = (time: number) => {
    let count = 0;
    for (let index = sendCount - 1; index >= 0 && index >= sendCount - SENDS_KEPT; index--) {
      if (sends[index % SENDS_KEPT]! <= time) break;
      count++;
    }
    return count;
  };

  const update = (previous: Dimension | undefined, quota: RateLimitQuota, sentAt: number, fixedCost: number | undefined): Dimension => {
    const deficit = quota.limit - quota.remaining;
    const refillPerMs = quota.resetMs > 0 && deficit > 0 ? deficit / quota.resetMs : previous?.refillPerMs;
    let cost = fixedCost ?? previous?.cost;
    if (fixedCost === undefined && previous && previous.refillPerMs !== undefined) {
      // What the calls since the previous snapshot used, this one included.
      const calls = previous.sentSince - sentAfter(sentAt);
      const expected = Math.min(previous.limit, previous.level + previous.refillPerMs * (sentAt - previous.at));
      const used = expected - quota.remaining;
      if (calls > 0 && used >= 0) {
        const perCall = used / calls;
        cost = cost === undefined ? perCall : cost * (1 - COST_SMOOTHING) + perCall * COST_SMOOTHING;
      }
    }
    return { limit: quota.limit, refillPerMs, level: quota.remaining, at: sentAt, cost, sentSince: sentAfter(sentAt) };
  };

  /** Units left now, by the last snapshot, its refill since and the calls sent after it. */
  const availableOf = (dimension: Dimension & { refillPerMs: number; cost: number }, now: number) => {
    const level = Math.min(dimension.limit, dimension.level + dimension.refillPerMs * (now - SLACK_MS - dimension.at));
    return level - dimension.cost * dimension.sentSince;
  };

  const known = (dimension: Dimension | undefined): dimension is Dimension & { refillPerMs: number; cost: number } =>
    dimension !== undefined && dimension.refillPerMs !== undefined && dimension.cost !== undefined && dimension.cost > 0;

  const dimensionWaitMs = (dimension: Dimension | undefined, now: number) => {
    if (!known(dimension)) return 0;
    const available = availableOf(dimension, now);
    // A quota smaller than one call could never let it through: leave that to the 429s.
    if (available >= dimension.cost || dimension.cost > dimension.limit) return 0;
    return Math.ceil((dimension.cost - available) / dimension.refillPerMs);
  };

  return {
    observe(snapshot, sentAt) {
      // An older call answering late carries an older view of the quota.
      if (sentAt < latestSnapshotAt) return;
      latestSnapshotAt = sentAt;
      if (snapshot.requests) requests = update(requests, snapshot.requests, sentAt, 1);
      if (snapshot.tokens) tokens = update(tokens, snapshot.tokens, sentAt, undefined);
    },
    sent(now) {
      sends[sendCount++ % SENDS_KEPT] = now;
      if (requests) requests.sentSince++;
      if (tokens) tokens.sentSince++;
    },
    waitMs(now) {
      if (!requests && !tokens) return 0;
      return Math.max(dimensionWaitMs(requests, now), dimensionWaitMs(tokens, now));
    },
    callsAvailable(now) {
      let calls = Number.POSITIVE_INFINITY;
      for (const dimension of [requests, tokens]) {
        if (known(dimension)) calls = Math.min(calls, Math.max(0, Math.floor(availableOf(dimension, now) / dimension.cost)));
      }
      return calls;
    },
    get ratePerSecond() {
      return requests?.refillPerMs === undefined ? undefined : requests.refillPerMs * 1000;
    },
  };
}

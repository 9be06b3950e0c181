// Estimates the rate a provider allows from what it accepted between two refusals, for providers
// that send no quota headers. A token bucket refilling at r calls per second that refuses a call
// with "retry after a1" and a later one with "retry after a2", having accepted k calls sent in
// between, refilled exactly k calls' worth between the two moments a call would have been let in:
// r = k ÷ ((t2 + a2) − (t1 + a1)). That is exact while the bucket never filled up in between, a
// lower bound otherwise; a limit of n calls per fixed window gives about n per window.
//
// Only calls sent as fast as the budget allowed measure the provider. When some went out at once
// into a window with room, the callers set the pace: k calls over the span is what they asked for,
// and the bucket may have sat full meanwhile, so the refusal (an overloaded provider, another
// client sharing the key) gives no rate. Taking their pace for the provider's would ratchet the
// rate down with every refusal to whatever the callers happened to ask.

/** Send times kept: enough for the calls between two refusals at any window up to the cap. */
const KEPT = 1024;

export interface RateEstimator {
  /**
   * A call goes out at `at`, a time no other call was sent at; `demandLimited` when it went at
   * once into a window with room rather than when the budget let it.
   */
  sent(at: number, demandLimited?: boolean): void;
  /**
   * The call sent at `sentAt` was refused; another call would be let in at `availableAt`.
   * Returns the estimated rate in calls per second, when the refusals so far allow one.
   */
  refused(sentAt: number, availableAt: number): number | undefined;
  /** Whether the call sent at `sentAt` went at the callers' pace (false when no longer kept). */
  wasDemandLimited(sentAt: number): boolean;
}

export function createRateEstimator(): RateEstimator {
  const times = new Float64Array(KEPT);
  const refusedFlags = new Uint8Array(KEPT);
  const demandFlags = new Uint8Array(KEPT);
  let count = 0;
  let last: { sentAt: number; availableAt: number } | null = null;

  /** Position of the call sent at `at` in the send sequence, or -1 when no longer kept. */
  const positionOf = (at: number) => {
    for (let index = count - 1; index >= 0 && index >= count - KEPT; index--) {
      const time = times[index % KEPT]!;
      if (time === at) return index;
      if (time < at) return -1;
    }
    return -1;
  };

  return {
    sent(at, demandLimited = false) {
      times[count % KEPT] = at;
      refusedFlags[count % KEPT] = 0;
      demandFlags[count % KEPT] = demandLimited ? 1 : 0;
      count++;
    },
    wasDemandLimited(sentAt) {
      const position = positionOf(sentAt);
      return position >= 0 && demandFlags[position % KEPT] === 1;
    },
    refused(sentAt, availableAt) {
      const position = positionOf(sentAt);
      if (position >= 0) refusedFlags[position % KEPT] = 1;
      const previous = last;
      // Refusals answered out of order (a slow 429) say nothing newer.
      if (previous && sentAt < previous.sentAt) return undefined;
      last = { sentAt, availableAt };
      if (!previous || position < 0) return undefined;
      const from = positionOf(previous.sentAt);
      if (from < 0) return undefined;
      // Calls still in flight count as accepted: a refusal comes back at once, an acceptance late.
      let accepted = 0;
      for (let index = from + 1; index < position; index++) if (refusedFlags[index % KEPT] === 0) accepted++;
      for (let index = from + 1; index <= position; index++) if (demandFlags[index % KEPT] === 1) return undefined;
      const spanMs = availableAt - previous.availableAt;
      if (accepted === 0 || spanMs <= 0) return undefined;
      return (accepted / spanMs) * 1000;
    },
  };
}

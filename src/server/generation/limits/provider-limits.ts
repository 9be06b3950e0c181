// What a budget learns about a provider's limits (per budget and provider:model), kept so that the
// next engine — the next run's, or the server's after a restart — starts from it instead of half
// the cap, and relaxed toward the cap after an idle spell, since a provider's limits change.

export interface LearnedLimits {
  /** Calls in flight the provider sustained. */
  window: number;
  /** The window at the last 429; null when none was seen. */
  limitSeen: number | null;
  /** Calls per second, when the budget paces by rate (the provider allows less than a few calls per round trip). */
  ratePerSecond: number | null;
  roundTripMs: number | null;
  /** When this was last true (epoch milliseconds). */
  updatedAt: number;
}

export interface ProviderLimitStore {
  load(budget: string, identity: string): Promise<LearnedLimits | null>;
  save(budget: string, identity: string, limits: LearnedLimits): Promise<void>;
}

/** Keeps what was learned in memory: for engines that should not share it with the next process. */
export function createMemoryProviderLimitStore(): ProviderLimitStore {
  const kept = new Map<string, LearnedLimits>();
  return {
    async load(budget, identity) {
      const limits = kept.get(`${budget}\n${identity}`);
      return limits ? { ...limits } : null;
    },
    async save(budget, identity, limits) {
      kept.set(`${budget}\n${identity}`, { ...limits });
    },
  };
}

/** Short pauses (between runs, a user reading the last one) keep what was learned as it is. */
export const IDLE_GRACE_MS = 10 * 60_000;
/** After the grace, half of the distance to the cap is given back per hour of idleness. */
const RELAX_HALF_LIFE_MS = 60 * 60_000;

/** The limits after `idleMs` without calls: window and rate relax toward the cap. */
export function relaxLimits(limits: LearnedLimits, idleMs: number, cap: number): LearnedLimits {
  if (!(idleMs > IDLE_GRACE_MS)) return limits;
  const kept = 2 ** (-(idleMs - IDLE_GRACE_MS) / RELAX_HALF_LIFE_MS);
  const toward = (value: number) => Math.min(cap, cap - (cap - value) * kept);
  const limitSeen = limits.limitSeen === null ? null : toward(limits.limitSeen);
  return {
    ...limits,
    window: toward(limits.window),
    // Within one slot of the cap, the old limit says nothing any more.
    limitSeen: limitSeen === null || limitSeen > cap - 1 ? null : limitSeen,
    ratePerSecond: limits.ratePerSecond === null ? null : limits.ratePerSecond / kept,
    updatedAt: limits.updatedAt + idleMs,
  };
}

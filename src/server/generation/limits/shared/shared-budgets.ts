// Budgets shared by the worker processes of a scaled-out Storyforge (REDIS_URL set): one budget per
// name and provider model across all of them, as the provider sees it. Each process still runs the
// adaptive controller (adaptive-concurrency.ts) — the one place the policy lives — but on a limiter
// kept in Redis (shared-limiter.ts) and on one shared decision (shared-state.ts).
//
// These are Redis scripts, not BullMQ jobs: a job is a whole run, and the calls a run makes happen
// inside the process that holds it, thousands a minute, each needing a slot for exactly as long as
// its request is in flight. BullMQ's limiter gates when jobs start, not calls inside a job.
import { Redis } from "ioredis";
import type { Limiter } from "../limiter";
import type { AdaptiveConcurrency } from "../adaptive-concurrency";
import { createSharedLimiter, type SharedLimiter } from "./shared-limiter";
import { shareBudgetState, type SharedBudgetState } from "./shared-state";

export const BUDGET_PREFIX = "storyforge:budget";
/** A slot's lease: how long a killed process's calls keep their slots. Renewed every third of it. */
export const DEFAULT_LEASE_MS = 10_000;

export interface SharedBudgets {
  /** The limiter factory for a budget's controller. */
  limiterFor(name: string, identity: string): (initialLimit: number, now: () => number) => Limiter;
  /** Shares the controller's decisions with the other processes. */
  attach(name: string, identity: string, budget: AdaptiveConcurrency, cap: number): SharedBudgetState;
  /** Gives back the slots still held and closes the connections. */
  close(): Promise<void>;
}

export function createSharedBudgets(redisUrl: string, options: { processId?: string; leaseMs?: number } = {}): SharedBudgets {
  const redis = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  const processId = options.processId ?? `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  for (const connection of [redis, subscriber]) connection.on("error", (error) => console.error("Shared budgets: Redis connection error", error.message));
  const limiters = new Map<string, SharedLimiter>();
  const states = new Map<string, SharedBudgetState>();

  const keyOf = (name: string, identity: string) => `${BUDGET_PREFIX}:${name}:${identity}`;
  const channelOf = (key: string) => `${key}:events`;

  subscriber.on("message", (channel: string, message: string) => {
    const key = channel.slice(0, -":events".length);
    if (message === "released") limiters.get(key)?.released();
    else if (message === "state") states.get(key)?.lowered();
  });

  return {
    limiterFor(name, identity) {
      const key = keyOf(name, identity);
      return (initialLimit, now) => {
        // One limiter per budget in a process: a second one would hold and renew leases that
        // close() never gives back, numbered from the same ids as the first one's.
        const built = limiters.get(key);
        if (built) return built;
        const limiter = createSharedLimiter({ redis, key, channel: channelOf(key), processId, leaseMs, initialLimit, now });
        limiters.set(key, limiter);
        subscriber.subscribe(channelOf(key)).catch((error: unknown) => {
          // Without the channel, full budgets still ask again every few tens of milliseconds.
          console.error(`Shared budget ${key}: could not subscribe`, error instanceof Error ? error.message : error);
        });
        return limiter;
      };
    },
    attach(name, identity, budget, cap) {
      const key = keyOf(name, identity);
      const limiter = limiters.get(key);
      if (limiter) limiter.onOthersAdmitted = (count) => budget.othersSent(count);
      const state = shareBudgetState(budget, { redis, key, channel: channelOf(key), cap });
      states.set(key, state);
      return state;
    },
    async close() {
      for (const limiter of limiters.values()) limiter.close();
      await Promise.allSettled([redis.quit(), subscriber.quit()]);
    },
  };
}

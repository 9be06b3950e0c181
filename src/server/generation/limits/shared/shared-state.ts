// Keeps the adaptive controllers of every worker process on one budget (budgets shared through
// Redis). The controller's policy (adaptive-concurrency.ts) is unchanged and still runs in each
// process on the answers its own calls get; what it decides reaches Redis in two ways:
// - growth is sent as growth: each process adds what its successes grew the window (or the rate)
//   to the stored one, whatever the others did meanwhile, and takes the sum back. All processes'
//   successes together climb the one budget as one process's climb its own (+1 a round trip, and
//   the same slow probing past the last limit seen), not the slowest process's alone;
// - a decrease is written whole, with its time, and announced so the others adopt it at once: a
//   newer decrease always wins, growth never undoes it, and the 429s of calls sent before it are
//   the same congestion, which no process answers again.
// A process that changes how the budget paces (by window, by rate) on a success writes that
// whole too, when it is based on the newest state; otherwise it adopts the stored one.
import type { Redis } from "ioredis";
import type { AdaptiveConcurrency } from "../adaptive-concurrency";
import type { LearnedLimits } from "../provider-limits";
import { GROW_STATE, SET_STATE } from "./budget-scripts";

interface SharedState {
  limits: LearnedLimits;
  decreasedAt: number;
}

export interface SharedBudgetState {
  /** Adopts what is stored, if anything (before the first call). */
  load(): Promise<void>;
  /** The controller changed its mind: send its growth, or its decrease. */
  changed(): void;
  /** Another process lowered the budget: adopt it. */
  lowered(): void;
}

type Stored = [version: number, json?: string, window?: string, rate?: string];

export function shareBudgetState(budget: AdaptiveConcurrency, options: { redis: Redis; key: string; channel: string; cap: number }): SharedBudgetState {
  const { redis, channel, cap } = options;
  const key = `${options.key}:state`;
  const complain = (what: string) => (error: unknown) =>
    console.error(`Shared budget ${options.key}: could not ${what}`, error instanceof Error ? error.message : error);
  /** The stored version this process last knew. */
  let version = 0;
  /** The newest decrease this process made or adopted. */
  let decreasedAt = budget.decreasedAt;
  const pacedByRate = () => Number.isFinite(budget.rate);
  /** How the budget paced when this process last agreed with Redis. */
  let byRate = pacedByRate();
  // The budget as this process last saw it, and the growth since that Redis has not added yet.
  let seen = { window: budget.window, rate: budget.rate };
  let growth = { window: 0, rate: 0 };
  let growing = false;

  const see = () => {
    seen = { window: budget.window, rate: budget.rate };
    byRate = pacedByRate();
  };

  const adopt = ([storedVersion, json, window, rate]: Stored) => {
    if (json === undefined || storedVersion <= version) return;
    version = storedVersion;
    const state = JSON.parse(json) as SharedState;
    const ratePerSecond = Number(rate);
    budget.adopt({ ...state.limits, window: Number(window), ratePerSecond: ratePerSecond < 0 ? null : ratePerSecond }, state.decreasedAt);
    decreasedAt = budget.decreasedAt;
    growth = { window: 0, rate: 0 };
    see();
  };

  /** Writes the whole state: a decrease (announced), a change of pacing, or the first state stored. */
  const write = (announce: boolean): Promise<void> => {
    const limits = budget.learned();
    const at = Number.isFinite(budget.decreasedAt) ? budget.decreasedAt : 0;
    const state: SharedState = { limits, decreasedAt: at };
    growth = { window: 0, rate: 0 };
    see();
    const args = [version, JSON.stringify(state), limits.window, limits.ratePerSecond ?? -1, at, channel, announce ? 1 : 0];
    return (redis.eval(SET_STATE, 1, key, ...args) as Promise<[number, ...Stored]>).then(([written, ...stored]) => {
      if (written === 1) version = Math.max(version, stored[0]);
      else adopt(stored);
    }, complain("publish its state"));
  };

  const grow = () => {
    if (growing || (growth.window === 0 && growth.rate === 0)) return;
    growing = true;
    const sent = growth;
    const sentByRate = byRate;
    const decreasedBefore = decreasedAt;
    growth = { window: 0, rate: 0 };
    (redis.eval(GROW_STATE, 1, key, sent.window, sent.rate, cap, sentByRate ? 1 : 0) as Promise<[number, ...Stored]>).then(
      ([added, ...stored]) => {
        growing = false;
        // A decrease since: its write follows this one on the connection and wins.
        if (decreasedAt !== decreasedBefore || byRate !== sentByRate) return;
        if (added === 1) {
          version = Math.max(version, stored[0]);
          // The sum of every process's growth, and this process's own since it sent its share.
          budget.climbedTo(Number(stored[1]) + growth.window, sentByRate ? Number(stored[2]) + growth.rate : null);
          see();
          grow();
        } else if (stored[1] === undefined) void write(false);
        else adopt(stored);
      },
      (error: unknown) => {
        growing = false;
        growth = { window: growth.window + sent.window, rate: growth.rate + sent.rate };
        complain("add its growth")(error);
      },
    );
  };

  /** Adopts what is stored; false when nothing is. */
  const read = async () => {
    const [storedVersion, json, window, rate] = await redis.hmget(key, "version", "state", "window", "rate");
    if (!storedVersion || !json) return false;
    adopt([Number(storedVersion), json, window ?? undefined, rate ?? undefined]);
    return true;
  };

  return {
    async load() {
      // Something stored from the start, so that growth always has a budget to add to.
      if (!(await read())) await write(false);
    },
    changed() {
      if (budget.decreasedAt > decreasedAt) {
        decreasedAt = budget.decreasedAt;
        return void write(true);
      }
      if (pacedByRate() !== byRate) return void write(false);
      if (byRate) growth.rate += budget.rate - seen.rate;
      else growth.window += budget.window - seen.window;
      seen = { window: budget.window, rate: budget.rate };
      grow();
    },
    lowered() {
      read().catch(complain("read its state"));
    },
  };
}

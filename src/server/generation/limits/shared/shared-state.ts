// Keeps the adaptive controllers of every worker process on one decision (budgets shared through
// Redis). The controller's policy (adaptive-concurrency.ts) is unchanged and still runs in each
// process on the answers its own calls get; what it decides is published to Redis under a
// version, and a process whose decision was based on an older version adopts the newer one
// instead of overwriting it:
// - an increase counts only when made on the newest state, so the processes together grow the
//   window about as one budget does, not once each;
// - a decrease always counts (a stale increase never undoes it), is announced so the others adopt
//   it at once, and carries its time: the 429s of calls sent before it are the same congestion,
//   and no process lowers the window for them again.
import type { Redis } from "ioredis";
import type { AdaptiveConcurrency } from "../adaptive-concurrency";
import type { LearnedLimits } from "../provider-limits";
import { PUBLISH_STATE } from "./budget-scripts";

interface SharedState {
  limits: LearnedLimits;
  decreasedAt: number;
}

export interface SharedBudgetState {
  /** Adopts what is stored, if anything (before the first call). */
  load(): Promise<void>;
  /** The controller changed its mind: publish it (or learn it was out of date). */
  changed(): void;
  /** Another process lowered the budget: adopt it. */
  lowered(): void;
}

export function shareBudgetState(budget: AdaptiveConcurrency, options: { redis: Redis; key: string; channel: string }): SharedBudgetState {
  const { redis, channel } = options;
  const key = `${options.key}:state`;
  let version = 0;
  let publishing = false;
  let again = false;

  const adopt = (nextVersion: number, json: string) => {
    if (nextVersion <= version) return;
    version = nextVersion;
    const state = JSON.parse(json) as SharedState;
    budget.adopt(state.limits, state.decreasedAt);
  };

  const publish = () => {
    if (publishing) {
      again = true;
      return;
    }
    publishing = true;
    again = false;
    const state: SharedState = { limits: budget.learned(), decreasedAt: Number.isFinite(budget.decreasedAt) ? budget.decreasedAt : 0 };
    const rate = state.limits.ratePerSecond ?? -1;
    (redis.eval(PUBLISH_STATE, 1, key, version, JSON.stringify(state), state.limits.window, rate, channel) as Promise<[number, number, string?]>).then(
      ([written, nextVersion, current]) => {
        publishing = false;
        if (written === 1) {
          version = nextVersion;
          if (again) publish();
        } else {
          // Out of date: what this process decided since is dropped with the older state.
          adopt(nextVersion, current!);
        }
      },
      (error: unknown) => {
        publishing = false;
        console.error(`Shared budget ${options.key}: could not publish its state`, error instanceof Error ? error.message : error);
      },
    );
  };

  const read = async () => {
    const [stored, json] = await redis.hmget(key, "version", "state");
    if (stored && json) adopt(Number(stored), json);
  };

  return {
    load: read,
    changed: publish,
    lowered() {
      read().catch((error: unknown) => console.error(`Shared budget ${options.key}: could not read its state`, error instanceof Error ? error.message : error));
    },
  };
}

// The engine's global budgets, one per name (text, image, vision, …), each adapted to the provider model its
// calls go to. Each starts from what an earlier engine learned about that provider:model (loaded
// before its first call) and stores what it learns, a few seconds after it changes and when the
// engine shuts down.
import { createAdaptiveConcurrency, type AdaptiveConcurrency } from "./adaptive-concurrency";
import type { EngineSettings } from "../engine-settings";
import { relaxLimits, type ProviderLimitStore } from "./provider-limits";
import type { TaskKind } from "../types";
import type { SharedBudgets } from "./shared/shared-budgets";
import type { SharedBudgetState } from "./shared/shared-state";

/** Changes are stored at most this often: a window moves with every answer. */
const SAVE_DELAY_MS = 5_000;

export interface Budgets {
  readonly byName: ReadonlyMap<TaskKind, AdaptiveConcurrency>;
  /** Stores what changed since the last save. */
  flush(): Promise<void>;
}

export function createBudgets(
  settings: Pick<EngineSettings, "maxConcurrent" | "adaptive" | "budgetIdentity" | "slowestCallGapMs">,
  options: { now: () => number; store?: ProviderLimitStore; shared?: SharedBudgets },
): Budgets {
  const { store, now, shared } = options;
  const saves: Array<() => Promise<void>> = [];

  const create = (name: TaskKind): AdaptiveConcurrency => {
    const cap = settings.maxConcurrent[name]!;
    const identity = settings.budgetIdentity[name] ?? `unknown:${name}`;
    const budget = createAdaptiveConcurrency({
      cap,
      adaptive: settings.adaptive,
      now,
      slowestGapMs: settings.slowestCallGapMs,
      createLimiter: shared?.limiterFor(name, identity),
    });
    if (shared && settings.adaptive) return shareDecisions(budget, shared.attach(name, identity, budget, cap), store && storeLearned(budget, name, identity, store));
    if (!store || !settings.adaptive) return budget;
    budget.loading = storeLearned(budget, name, identity, store).then(() => {
      budget.loading = null;
    });
    return budget;
  };

  /** Stores what the budget learns; resolves once it starts from what was stored. */
  const storeLearned = (budget: AdaptiveConcurrency, name: TaskKind, identity: string, store: ProviderLimitStore): Promise<void> => {
    const cap = settings.maxConcurrent[name]!;
    let dirty = false;
    let timer: NodeJS.Timeout | null = null;
    const save = async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!dirty) return;
      dirty = false;
      try {
        await store.save(name, identity, budget.learned());
      } catch (error) {
        // Losing what was learned only costs the next engine a cold start.
        console.error(`Could not store the limits learned for ${identity} (${name})`, error);
      }
    };
    saves.push(save);
    budget.onChange = () => {
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => void save(), SAVE_DELAY_MS);
      timer.unref();
    };
    return store.load(name, identity).then(
      (limits) => {
        if (limits) budget.restore(relaxLimits(limits, now() - limits.updatedAt, cap));
      },
      (error: unknown) => {
        console.error(`Could not load the limits learned for ${identity} (${name})`, error);
      },
    );
  };

  /**
   * Worker processes' budgets: what the database kept is the start, what the processes decide
   * now (in Redis) wins over it, and every change is published to the others.
   */
  const shareDecisions = (budget: AdaptiveConcurrency, state: SharedBudgetState, stored: Promise<void> | undefined): AdaptiveConcurrency => {
    const save = budget.onChange;
    budget.onChange = () => {
      save?.();
      state.changed();
    };
    budget.loading = (stored ?? Promise.resolve())
      .then(() => state.load())
      .catch((error: unknown) => console.error("Could not read the shared budget's state", error))
      .finally(() => {
        budget.loading = null;
      });
    return budget;
  };

  return {
    byName: new Map(Object.keys(settings.maxConcurrent).map((name) => [name, create(name)])),
    async flush() {
      await Promise.all(saves.map((save) => save()));
    },
  };
}

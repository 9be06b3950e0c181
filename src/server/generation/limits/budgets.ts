// The engine's global budgets, one per name (text, image, vision, …), each adapted to the provider model its
// calls go to. Each starts from what an earlier engine learned about that provider:model (loaded
// before its first call) and stores what it learns, a few seconds after it changes and when the
// engine shuts down.
import { createAdaptiveConcurrency, type AdaptiveConcurrency } from "./adaptive-concurrency";
import type { EngineSettings } from "../engine-settings";
import { relaxLimits, type ProviderLimitStore } from "./provider-limits";
import type { TaskKind } from "../types";

/** Changes are stored at most this often: a window moves with every answer. */
const SAVE_DELAY_MS = 5_000;

export interface Budgets {
  readonly byName: ReadonlyMap<TaskKind, AdaptiveConcurrency>;
  /** Stores what changed since the last save. */
  flush(): Promise<void>;
}

export function createBudgets(
  settings: Pick<EngineSettings, "maxConcurrent" | "adaptive" | "budgetIdentity" | "slowestCallGapMs">,
  options: { now: () => number; store?: ProviderLimitStore },
): Budgets {
  const { store, now } = options;
  const saves: Array<() => Promise<void>> = [];

  const create = (name: TaskKind): AdaptiveConcurrency => {
    const cap = settings.maxConcurrent[name]!;
    const budget = createAdaptiveConcurrency({ cap, adaptive: settings.adaptive, now, slowestGapMs: settings.slowestCallGapMs });
    if (!store || !settings.adaptive) return budget;
    const identity = settings.budgetIdentity[name] ?? `unknown:${name}`;
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
    budget.loading = store.load(name, identity).then(
      (limits) => {
        if (limits) budget.restore(relaxLimits(limits, now() - limits.updatedAt, cap));
        budget.loading = null;
      },
      (error: unknown) => {
        console.error(`Could not load the limits learned for ${identity} (${name})`, error);
        budget.loading = null;
      },
    );
    return budget;
  };

  return {
    byName: new Map(Object.keys(settings.maxConcurrent).map((name) => [name, create(name)])),
    async flush() {
      await Promise.all(saves.map((save) => save()));
    },
  };
}

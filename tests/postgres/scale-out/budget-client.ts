// One worker process's side of the provider budgets, as the engine wires it (createBudgets and
// callProvider), rendering pictures through the real openai image model against the HTTP fake
// provider: with budgets shared through Redis, or with budgets of its own (the baseline).
// Also a child-process entry (for the test of a killed holder): takes `HOLD` slots of a shared
// budget, says so, and holds them until it is killed.
import { createBudgets, type Budgets } from "@/server/generation/limits/budgets";
import { callProvider } from "@/server/generation/limits/provider-call";
import { createSharedBudgets, type SharedBudgets } from "@/server/generation/limits/shared/shared-budgets";
import { systemClock } from "@/server/generation/clock";
import { createOpenAIClient } from "@/server/providers/openai/openai-client";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";

export interface BudgetClient {
  readonly budgets: Budgets;
  /** Renders `count` pictures at once, each one call under the image budget; resolves when all are done. */
  render(count: number): Promise<void>;
  close(): Promise<void>;
}

export function startBudgetClient(options: { providerUrl: string; redisUrl?: string; cap: number; leaseMs?: number }): BudgetClient {
  const shared: SharedBudgets | undefined = options.redisUrl ? createSharedBudgets(options.redisUrl, { leaseMs: options.leaseMs }) : undefined;
  const settings = { maxConcurrent: { image: options.cap }, adaptive: true, budgetIdentity: { image: "openai:gpt-image-1" }, slowestCallGapMs: 60_000 };
  const budgets = createBudgets(settings, { now: systemClock.now, shared });
  const client = createOpenAIClient({ apiKey: "test-key", baseURL: options.providerUrl, timeoutMs: 20_000 });
  const model = createOpenAIImageModel({ client, model: "gpt-image-1", baseURL: options.providerUrl, timeoutMs: 20_000 });
  const budget = budgets.byName.get("image")!;
  const abort = new AbortController();
  /** Renders not yet settled: closing waits for them, so their calls release their slots before the budgets close. */
  const rendering = new Set<Promise<unknown>>();
  let attempts = 0;
  const one = (index: number) =>
    callProvider({
      call: (signal) => model.renderImage({ prompt: `picture ${index}`, size: "1024x1024", signal }),
      budget,
      signal: abort.signal,
      timeoutMs: 20_000,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 },
      maxRateLimitWaitMs: 120_000,
      clock: systemClock,
      random: Math.random,
      nextAttempt: () => ++attempts,
      onRetry: () => {},
      onWait: () => {},
      onFailure: () => {},
    });
  return {
    budgets,
    async render(count) {
      const calls = Array.from({ length: count }, (_, index) => one(index));
      const settled = Promise.allSettled(calls);
      rendering.add(settled);
      void settled.then(() => rendering.delete(settled));
      await Promise.all(calls);
    },
    async close() {
      abort.abort(new Error("closed"));
      await Promise.allSettled(rendering);
      await shared?.close();
    },
  };
}

// As a child process: REDIS_URL, HOLD, LEASE_MS.
if (process.argv[1]?.endsWith("budget-client.ts") && process.env.HOLD) {
  const shared = createSharedBudgets(process.env.REDIS_URL!, { leaseMs: Number(process.env.LEASE_MS) });
  const limiter = shared.limiterFor("image", "openai:gpt-image-1")(Number(process.env.HOLD), Date.now);
  for (let index = 0; index < Number(process.env.HOLD); index++) await limiter.acquire();
  console.log(`holding ${limiter.active} slots`);
  setInterval(() => {}, 60_000);
}

// The engine's limits and timings, from the environment or given directly by tests and benchmarks.
import type { Env } from "@/server/env";
import type { RetrySettings } from "./limits/retry-policy";
import type { TaskKind } from "./types";

export interface EngineSettings {
  /**
   * The budgets, by name, with the provider calls each allows in flight at once across all runs
   * (the cap of its adaptive window). A task type names the budget it draws from.
   */
  maxConcurrent: Record<TaskKind, number>;
  /** Workers for a run that asks for none. */
  defaultWorkers: number;
  /** The most workers a run may ask for. */
  maxWorkers: number;
  /** Runs executing at once; later ones wait in line. */
  maxConcurrentRuns: number;
  /** Per attempt, per budget. */
  timeoutMs: Record<TaskKind, number>;
  retry: RetrySettings;
  /** Lower the concurrency on 429 and raise it again while calls succeed. */
  adaptive: boolean;
  /**
   * Who each budget's calls go to, as "provider:model": what a budget learns about the provider's
   * limits is stored under it, and a later engine with the same identity starts from it. A budget
   * without one is "unknown:<name>".
   */
  budgetIdentity: Record<TaskKind, string>;
  /**
   * How long a provider call may keep being refused for rate limiting (429) before its task fails.
   * Such refusals are waits, not attempts: they never spend `retry.maxAttempts`.
   */
  rateLimitMaxWaitMs: number;
  /** The slowest a rate-limited budget paces its calls: one per this long. */
  slowestCallGapMs: number;
  /**
   * How long state changes are collected before one transaction writes them, under load (the
   * first change after a quiet spell is written at once). 25 ms is invisible next to a provider
   * call and, against 10 ms, cut the engine's CPU per task by 3–15 µs (bench/engine-overhead.ts).
   */
  writeIntervalMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  maxConcurrent: { text: 20, image: 20, vision: 20 },
  defaultWorkers: 5,
  maxWorkers: 20,
  maxConcurrentRuns: 10,
  timeoutMs: { text: 120_000, image: 120_000, vision: 120_000 },
  retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
  adaptive: true,
  budgetIdentity: {},
  rateLimitMaxWaitMs: 900_000,
  slowestCallGapMs: 60_000,
  writeIntervalMs: 25,
};

export function engineSettingsFromEnv(env: Env): EngineSettings {
  const textTimeoutMs = env.LLM_TIMEOUT_SECONDS * 1000;
  return {
    ...DEFAULT_ENGINE_SETTINGS,
    maxConcurrent: {
      text: env.MAX_CONCURRENT_TEXT ?? env.MAX_CONCURRENT,
      image: env.MAX_CONCURRENT_IMAGE ?? env.MAX_CONCURRENT,
      vision: env.MAX_CONCURRENT_VISION ?? env.MAX_CONCURRENT,
    },
    defaultWorkers: env.BATCH_DEFAULT_WORKERS,
    maxWorkers: env.BATCH_MAX_WORKERS,
    maxConcurrentRuns: env.BATCH_MAX_CONCURRENT,
    timeoutMs: {
      text: textTimeoutMs,
      image: env.IMAGE_TIMEOUT_SECONDS === undefined ? textTimeoutMs : env.IMAGE_TIMEOUT_SECONDS * 1000,
      vision: textTimeoutMs,
    },
    retry: { ...DEFAULT_ENGINE_SETTINGS.retry, maxAttempts: env.RETRY_MAX_ATTEMPTS },
    rateLimitMaxWaitMs: env.RATE_LIMIT_MAX_WAIT_SECONDS * 1000,
  };
}

/** Applies the engine's bounds to a requested worker count: default when absent, at least 1. */
export function clampWorkers(requested: number | undefined, settings: Pick<EngineSettings, "defaultWorkers" | "maxWorkers">): number {
  if (requested === undefined || !Number.isFinite(requested)) return settings.defaultWorkers;
  return Math.min(settings.maxWorkers, Math.max(1, Math.floor(requested)));
}

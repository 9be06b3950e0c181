// The "slow provider" scenarios: a provider that allows fewer calls than one per round trip
// (r·L < 1), as low account tiers do, where a window of calls in flight cannot go low enough and
// the engine must pace by rate. Each scenario is given in nominal values (r, L) and run `speed`
// times faster, so that its fastest model takes REAL_RATE calls a second of real time: latencies
// ÷ speed, rates × speed, and the engine's own timings (backoff, the longest rate-limit wait, the
// slowest pace) ÷ speed. What the table reports is therefore in nominal time.
import Bottleneck from "bottleneck";
import type { EngineSettings } from "@/server/generation/engine-settings";
import type { TaskKind } from "@/server/generation/types";
import type { FakeProviderSettings } from "../tests/fake-provider/server";
import { imageCall, textCall, type Call, type Tally } from "./strategies";

export interface SlowPart {
  kind: TaskKind;
  model: string;
  /** Share of the run's tasks. */
  share: number;
  ratePerSecond: number;
  latencyMs: number;
}

export interface SlowScenario {
  name: string;
  parts: SlowPart[];
}

export const SLOW_SCENARIOS: SlowScenario[] = [
  { name: "r = 2/s, L = 300 ms", parts: [{ kind: "image", model: "slow-2", share: 1, ratePerSecond: 2, latencyMs: 300 }] },
  { name: "r = 0.5/s, L = 300 ms", parts: [{ kind: "image", model: "slow-05", share: 1, ratePerSecond: 0.5, latencyMs: 300 }] },
  {
    name: "mixed: 80% text (r = 2/s, L = 300 ms) + 20% images (r = 0.5/s, L = 1 s)",
    parts: [
      { kind: "text", model: "slow-text", share: 0.8, ratePerSecond: 2, latencyMs: 300 },
      { kind: "image", model: "slow-image", share: 0.2, ratePerSecond: 0.5, latencyMs: 1000 },
    ],
  },
];

/** Which part task `index` belongs to: the parts interleaved by their shares. */
export function partOf(scenario: SlowScenario, index: number): SlowPart {
  let before = 0;
  for (const part of scenario.parts.slice(1)) before += Math.floor((index + 1) * part.share) - Math.floor(index * part.share);
  // With two parts: the second part's task whenever its running count steps up.
  return before > 0 ? scenario.parts[1]! : scenario.parts[0]!;
}

export function countOf(scenario: SlowScenario, n: number, part: SlowPart): number {
  let count = 0;
  for (let index = 0; index < n; index++) if (partOf(scenario, index) === part) count++;
  return count;
}

/** N/r + L per model, the slowest: the bound (nominal milliseconds). */
export function slowBound(scenario: SlowScenario, n: number, burst = 0): number {
  return Math.max(
    ...scenario.parts.map((part) => (Math.max(0, countOf(scenario, n, part) - burst) / part.ratePerSecond) * 1000 + part.latencyMs),
  );
}

export function speedOf(scenario: SlowScenario, realRate: number): number {
  return realRate / Math.max(...scenario.parts.map((part) => part.ratePerSecond));
}

/** The fake provider's settings for the scenario: each model its own bucket (full) and latency. */
export function slowProviderSettings(scenario: SlowScenario, speed: number, burst: number, headers: boolean): Partial<FakeProviderSettings> {
  return {
    timeScale: 1,
    rateLimit: null,
    rateLimitHeaders: headers,
    models: Object.fromEntries(
      scenario.parts.map((part) => [part.model, { latencyMs: part.latencyMs / speed, rateLimit: { ratePerSecond: part.ratePerSecond * speed, burst } }]),
    ),
  };
}

/** The engine's timings at the scenario's speed. */
export function slowEngineSettings(speed: number): Partial<EngineSettings> {
  return {
    retry: { maxAttempts: 4, baseDelayMs: 500 / speed, maxDelayMs: 30_000 / speed },
    rateLimitMaxWaitMs: 900_000 / speed,
    slowestCallGapMs: 60_000 / speed,
    timeoutMs: { text: 10_000, image: 10_000 },
  };
}

/** One call maker per kind, to the scenario's models. */
export function slowCalls(scenario: SlowScenario, baseUrl: string, sdkRetries: number): Record<TaskKind, Call> {
  const calls = {} as Record<TaskKind, Call>;
  for (const part of scenario.parts) {
    calls[part.kind] = part.kind === "text" ? textCall(baseUrl, sdkRetries, part.model) : imageCall(baseUrl, sdkRetries, part.model);
  }
  return calls;
}

/**
 * The oracle: bottleneck told each model's true rate (one call per 1/r, as many in flight as
 * that makes), with no retries. What a client that knew the limit in advance would do.
 */
export async function oracle(scenario: SlowScenario, n: number, speed: number, calls: Record<TaskKind, Call>): Promise<Tally> {
  const limiters = new Map(scenario.parts.map((part) => [part, new Bottleneck({ minTime: 1000 / (part.ratePerSecond * speed) })]));
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, index) => {
      const part = partOf(scenario, index);
      return limiters.get(part)!.schedule(() => calls[part.kind]!(index));
    }),
  );
  const succeeded = results.filter((result) => result.status === "fulfilled").length;
  return { succeeded, failed: n - succeeded };
}

/** Baselines make every call through one shared pool, whichever model it goes to. */
export function mixedCall(scenario: SlowScenario, calls: Record<TaskKind, Call>): Call {
  return (index, signal) => calls[partOf(scenario, index).kind]!(index, signal);
}

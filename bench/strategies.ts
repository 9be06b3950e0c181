// The ways of making N image calls that the benchmark compares: three baselines without the
// engine, and the engine with a fixed or an adaptive global budget.
import pLimit from "p-limit";
import type { Database } from "@/server/db";
import { z } from "zod";
import { createEngine } from "@/server/generation/engine";
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "@/server/generation/engine-settings";
import { createInProcessEventBus } from "@/server/generation/events/event-bus";
import type { ProviderLimitStore } from "@/server/generation/limits/provider-limits";
import { createSqliteBatchWriter } from "@/server/generation/storage/sqlite-batch-writer";
import { defineTaskType, type TaskKind } from "@/server/generation/types";
import { createOpenAIClient } from "@/server/providers/openai/openai-client";
import { createChatTextModel } from "@/server/providers/openai/chat-text-model";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";
import type { ImageModel, TextModel } from "@/server/providers/types";
import OpenAI from "openai";

export interface Tally {
  succeeded: number;
  failed: number;
}

export type Call = (index: number, signal?: AbortSignal) => Promise<unknown>;

function client(baseUrl: string, sdkRetries: number): OpenAI {
  // The engine runs the SDK without retries (it owns them); the baselines have nothing but the
  // SDK's own retries, which honour retry-after-ms.
  return sdkRetries === 0
    ? createOpenAIClient({ apiKey: "bench", baseURL: baseUrl, timeoutMs: 60_000 })
    : new OpenAI({ apiKey: "bench", baseURL: baseUrl, timeout: 60_000, maxRetries: sdkRetries });
}

export function imageCall(baseUrl: string, sdkRetries: number, modelName = "bench-image"): Call {
  const model: ImageModel = createOpenAIImageModel({ client: client(baseUrl, sdkRetries), model: modelName, baseURL: baseUrl, timeoutMs: 60_000 });
  return (index, signal) => model.renderImage({ prompt: `picture ${index}`, size: "1024x1024", signal });
}

const captionSchema = z.object({ caption: z.string() });

/** A structured text call (chat completions with a JSON schema), as a story's prompt stage makes. */
export function textCall(baseUrl: string, sdkRetries: number, modelName: string): Call {
  const model: TextModel = createChatTextModel({ client: client(baseUrl, sdkRetries), provider: "openai", model: modelName, timeoutMs: 60_000 });
  return (index, signal) =>
    model.generateObject({ name: "caption", schema: captionSchema, messages: [{ role: "user", content: `caption ${index}` }], signal });
}

async function tally(promises: Array<Promise<unknown>>): Promise<Tally> {
  const results = await Promise.allSettled(promises);
  const succeeded = results.filter((result) => result.status === "fulfilled").length;
  return { succeeded, failed: results.length - succeeded };
}

export async function serial(n: number, call: Call): Promise<Tally> {
  const result: Tally = { succeeded: 0, failed: 0 };
  for (let index = 0; index < n; index++) {
    try {
      await call(index);
      result.succeeded++;
    } catch {
      result.failed++;
    }
  }
  return result;
}

export function unbounded(n: number, call: Call): Promise<Tally> {
  return tally(Array.from({ length: n }, (_, index) => call(index)));
}

export function pool(n: number, call: Call, size: number): Promise<Tally> {
  const limit = pLimit(size);
  return tally(Array.from({ length: n }, (_, index) => limit(() => call(index))));
}

export interface BenchDatabase {
  db: Database;
  url: string;
}

export interface EngineRun {
  /** Resolves when run-end is published (committed), with the run's outcome. */
  run(n: number, stop: () => void): Promise<Tally & { rateLimited: number; attempts: number }>;
  shutdown(): Promise<void>;
}

/**
 * `call` makes every task's call (all image tasks); or, per kind, the calls of `kindOf(index)`.
 * `limits` keeps what the budgets learn: a later engine with the same budget identities starts
 * from it (warm); without it every engine starts cold.
 */
export function engineStrategy(
  database: BenchDatabase,
  call: Call | Record<TaskKind, Call>,
  settings: Partial<EngineSettings>,
  options: { limits?: ProviderLimitStore; kindOf?: (index: number) => TaskKind } = {},
): EngineRun {
  const bus = createInProcessEventBus();
  const engine = createEngine({
    db: database.db,
    writer: createSqliteBatchWriter(database.url),
    bus,
    settings: { ...DEFAULT_ENGINE_SETTINGS, ...settings },
    limits: options.limits,
  });
  const kindOf = options.kindOf ?? (() => "image" as const);
  const callOf = (kind: TaskKind): Call => (typeof call === "function" ? call : call[kind]!);
  // One task type per budget the bench may use: a task's kind is the budget of its type.
  engine.registerTaskTypes(
    ["text", "image"].map((kind) =>
      defineTaskType({
        name: `bench.${kind}`,
        budget: kind,
        input: z.object({ index: z.number() }),
        async execute({ index }, context) {
          await context.callProvider(kind, (signal) => callOf(kind)(index, signal));
          return null;
        },
      }),
    ),
  );
  let runNumber = 0;
  return {
    async run(n, stop) {
      runNumber++;
      const tasks = Array.from({ length: n }, (_, index) => ({ key: `task-${index}`, type: `bench.${kindOf(index)}`, input: { index } }));
      // The run's end is the run-end event, published once committed: what a browser would see.
      const ended = new Promise<void>((resolve) => {
        const original = bus.publish;
        bus.publish = (event) => {
          original(event);
          if (event.type === "run-end") {
            stop();
            resolve();
          }
        };
      });
      const runId = await engine.submitRun({
        kind: "bench",
        teamId: "bench",
        ownerId: "bench",
        subjectId: `run-${runNumber}`,
        maxWorkers: settings.maxWorkers ?? DEFAULT_ENGINE_SETTINGS.maxWorkers,
        tasks,
      });
      await ended;
      const run = (await engine.getRun(runId))!;
      return {
        succeeded: run.counts.succeeded,
        failed: run.counts.total - run.counts.succeeded,
        rateLimited: run.metrics!.rateLimited,
        attempts: run.metrics!.attempts,
      };
    },
    shutdown: () => engine.shutdown(),
  };
}

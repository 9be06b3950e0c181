// An engine as the app builds it (src/server/app-services.ts: the SQLite writer, every domain's
// task types) with the openai provider code pointed at the fake provider process, for the tables
// that run real task types (personas, slide decks) instead of the bench's bare image tasks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DOMAINS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { createEngine, type Engine } from "@/server/generation/engine";
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "@/server/generation/engine-settings";
import type { ProviderLimitStore } from "@/server/generation/limits/provider-limits";
import { createSqliteBatchWriter } from "@/server/generation/storage/sqlite-batch-writer";
import type { RunDetails, SubmitRunRequest } from "@/server/generation/types";
import { createProviders } from "@/server/providers/create-providers";
import { createImageStore, type ImageStore } from "@/server/storage/image-store";
import type { FakeProviderProcess } from "./fake-provider-process";
import type { BenchDatabase } from "./strategies";

/** What the persona and deck tables share with the rest of the bench. */
export interface BenchContext {
  fake: FakeProviderProcess;
  database: BenchDatabase;
  /** L: what a "30 s" call takes in real time. */
  latencyMs: number;
  timeScale: number;
  /** MAX_CONCURRENT: every budget's cap, and the most workers a run may have. */
  cap: number;
}

/**
 * The engine's own timings at a time scale, as the slow-provider tables scale them: backoff (base
 * 500 ms, cap 30 s), the longest wait for a rate limit (900 s), the slowest pace (a call a
 * minute). Timeouts stay generous.
 */
export function engineTimingsAt(timeScale: number): Partial<EngineSettings> {
  return {
    retry: { maxAttempts: 4, baseDelayMs: 500 * timeScale, maxDelayMs: 30_000 * timeScale },
    rateLimitMaxWaitMs: 900_000 * timeScale,
    slowestCallGapMs: 60_000 * timeScale,
    timeoutMs: { text: 60_000, image: 60_000, vision: 60_000 },
  };
}

/** The team and user that own what the tables create. Neither has a foreign key to check. */
export const BENCH_ACTOR = { teamId: "bench-team", userId: "bench-user" };

export interface DomainEngine {
  engine: Engine;
  services: { db: BenchDatabase["db"]; engine: Engine; images: ImageStore };
  close(): Promise<void>;
}

/**
 * A new engine, every budget capped at MAX_CONCURRENT, with `settings` over that. Each row of a
 * table gets its own, as the bench's other engine rows do: cold without `limits`; with them, it
 * starts from what an earlier engine with the same budget identities stored, as a restarted server.
 */
export function createDomainEngine(context: BenchContext, settings: Partial<EngineSettings> = {}, limits?: ProviderLimitStore): DomainEngine {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-images-"));
  const images = createImageStore(dataDirectory);
  const providers = createProviders(
    parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "bench", OPENAI_BASE_URL: context.fake.url, LLM_TIMEOUT_SECONDS: "10" }),
  );
  const { cap } = context;
  const engine = createEngine({
    db: context.database.db,
    writer: createSqliteBatchWriter(context.database.url),
    settings: {
      ...DEFAULT_ENGINE_SETTINGS,
      maxConcurrent: { text: cap, image: cap, vision: cap },
      maxWorkers: cap,
      ...settings,
    },
    limits,
  });
  const services = { db: context.database.db, engine, images };
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db: services.db, providers, images }));
  return {
    engine,
    services,
    async close() {
      await engine.shutdown();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * Submits a run and resolves when its run-end event is published (committed: what a browser
 * sees), with the milliseconds since submission and the run as stored.
 */
export async function timeRun(engine: Engine, submit: () => Promise<string>): Promise<{ makespanMs: number; run: RunDetails }> {
  const startedAt = performance.now();
  const runId = await submit();
  await new Promise<void>((resolve) => {
    const unsubscribe = engine.subscribe(runId, (event) => {
      if (event.type !== "run-end") return;
      unsubscribe();
      resolve();
    });
  });
  const makespanMs = performance.now() - startedAt;
  return { makespanMs, run: await engine.waitForRun(runId) };
}

export type RunRequest = Omit<SubmitRunRequest, "teamId" | "ownerId">;

export const submitAsBench = (engine: Engine, request: RunRequest) => () =>
  engine.submitRun({ ...request, teamId: BENCH_ACTOR.teamId, ownerId: BENCH_ACTOR.userId });

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// `npm run bench -- --cluster` (or --only=cluster): the scaled-out mode's throughput with 1, 2
// and 4 worker processes (src/server/worker-process.ts, the `npm run worker` entry) on a
// throwaway PostgreSQL cluster and redis-server, against the fake provider in its own process,
// with latencies scaled as the other tables scale them (a "30 s" image takes L). An app side in
// this process stores the same batch of slide decks for every row and hands them to the workers
// through the `runs` queue; the row's time runs from the first deck stored to the last run's end.
// - "cap": the provider only answers after L; the image budget's cap (MAX_CONCURRENT_IMAGE) is
//   shared by the workers, and each worker executes WORKER_RUNS runs at once: throughput grows
//   with the workers until their calls fill the shared cap;
// - "rate": the provider allows RATE calls a second (small burst): the share of calls it refuses,
//   with the workers' budgets shared through Redis and with each worker's own (WORKER_BUDGETS).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase } from "@/server/db";
import { createDeck } from "@/server/features/slides/decks";
import { createDeckInput } from "@/server/features/slides/deck-input";
import { createImageStore } from "@/server/storage/image-store";
import { startCluster, stopCluster } from "../scripts/postgres-cluster.mjs";
import { startRedis, stopRedis } from "../scripts/redis-server.mjs";
import { applyPostgresMigrations, createEmptyPostgresDatabase } from "../tests/helpers/postgres-database";
import { createAppSide } from "../tests/postgres/scale-out/app-side";
import { startWorker, stopChild, type ClusterEnvironment } from "../tests/postgres/scale-out/processes";
import { BENCH_ACTOR } from "./domain-engine";
import { startFakeProviderProcess, type FakeProviderProcess } from "./fake-provider-process";

export interface ClusterBenchOptions {
  /** L: what a "30 s" image takes. */
  latencyMs: number;
  workerCounts: number[];
  decks: number;
  slidesPerDeck: number;
  /** Only these rows, by "scenario/budgets" or "scenario" (e.g. "rate/shared"); all by default. */
  scenarios?: string[];
}

/** The shared image budget's cap: below what 4 workers would send, above what 2 do. */
const CAP = 24;
/** Runs one worker executes at once, and workers per run: 8 calls in flight per worker. */
const RUNS_PER_WORKER = 2;
const WORKERS_PER_RUN = 4;
/** The rate-limited provider sustains r·L = 16 calls in flight (two workers' worth), with a burst of 2. */
const RATE_TIMES_LATENCY = 16;
const RATE_BURST = 2;

interface Row {
  scenario: "cap" | "rate";
  budgets: "shared" | "per-process";
  workers: number;
  images: number;
  seconds: number;
  attempts: number;
  rateLimited: number;
  peakInFlight: number;
  failed: number;
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<Row[]> {
  const postgres = await startCluster();
  const redis = await startRedis();
  const fake: FakeProviderProcess = await startFakeProviderProcess();
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-cluster-"));
  process.env.TEST_POSTGRES_URL = postgres.url;
  const database = await createEmptyPostgresDatabase();
  await applyPostgresMigrations(database.url);
  const db = createDatabase(database.url);
  const cluster: ClusterEnvironment = { DATABASE_URL: database.url, REDIS_URL: redis.url, DATA_DIR: dataDirectory, providerUrl: fake.url };
  const app = createAppSide(db, cluster);
  const services = { db, engine: app.engine, images: createImageStore(dataDirectory) };
  const rows: Row[] = [];
  let rowNumber = 0;
  try {
    const rate = (RATE_TIMES_LATENCY * 1000) / options.latencyMs;
    const scenarios = [
      { scenario: "cap" as const, budgets: "shared" as const, fake: { latencyMs: options.latencyMs, rateLimit: null } },
      { scenario: "cap" as const, budgets: "per-process" as const, fake: { latencyMs: options.latencyMs, rateLimit: null } },
      { scenario: "rate" as const, budgets: "shared" as const, fake: { latencyMs: options.latencyMs, rateLimit: { ratePerSecond: rate, burst: RATE_BURST } } },
      { scenario: "rate" as const, budgets: "per-process" as const, fake: { latencyMs: options.latencyMs, rateLimit: { ratePerSecond: rate, burst: RATE_BURST } } },
    ];
    const chosen = scenarios.filter(
      (scenario) => !options.scenarios || options.scenarios.some((name) => name === scenario.scenario || name === `${scenario.scenario}/${scenario.budgets}`),
    );
    for (const scenario of chosen) {
      for (const workerCount of options.workerCounts) {
        // A model of its own per row: every row's budget starts cold, in Redis and in the database.
        const model = `gpt-image-1-bench-${++rowNumber}`;
        const environment = {
          MAX_CONCURRENT_IMAGE: String(CAP),
          BATCH_MAX_CONCURRENT: String(Math.max(options.decks, RUNS_PER_WORKER)),
          WORKER_RUNS: String(RUNS_PER_WORKER),
          WORKER_BUDGETS: scenario.budgets,
          IMAGE_MODEL: model,
          WORKER_LOCK_SECONDS: "5",
        };
        const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(cluster, environment)));
        try {
          await fake.configure(scenario.fake);
          await fake.reset();
          const startedAt = performance.now();
          const runIds: string[] = [];
          for (let deck = 0; deck < options.decks; deck++) {
            const input = createDeckInput.parse({
              title: `Deck ${deck + 1}`,
              stylePreset: "flat-corporate",
              aspectRatio: "16:9",
              quality: "standard",
              maxWorkers: WORKERS_PER_RUN,
              slides: Array.from({ length: options.slidesPerDeck }, (_, index) => ({ title: `Slide ${index + 1}`, text: "", imagePrompt: `Point ${index + 1} of deck ${deck + 1}` })),
            });
            runIds.push((await createDeck(services, { ...BENCH_ACTOR, teamId: `bench-team-${rowNumber}-${deck}` }, input)).runId);
          }
          const runs = await Promise.all(runIds.map((runId) => app.engine.waitForRun(runId)));
          const seconds = (performance.now() - startedAt) / 1000;
          const summary = await fake.summary();
          const failed = runs.reduce((total, run) => total + run.tasks.filter((task) => task.status !== "succeeded").length, 0);
          rows.push({
            scenario: scenario.scenario,
            budgets: scenario.budgets,
            workers: workerCount,
            images: options.decks * options.slidesPerDeck,
            seconds,
            attempts: summary.attempts,
            rateLimited: summary.rateLimited,
            peakInFlight: summary.peakInFlight,
            failed,
          });
          console.error(`cluster: ${scenario.scenario}/${scenario.budgets}/${workerCount} workers: ${seconds.toFixed(2)} s, ${summary.rateLimited}/${summary.attempts} refused`);
        } finally {
          await Promise.all(workers.map((worker) => stopChild(worker, "SIGTERM")));
        }
      }
    }
  } finally {
    await app.close();
    await db.$disconnect();
    await fake.close();
    await database.drop();
    await stopRedis(redis.directory);
    await stopCluster(postgres.directory);
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  }
  return rows;
}

export function printClusterTable(rows: Row[], options: ClusterBenchOptions): void {
  const rate = (RATE_TIMES_LATENCY * 1000) / options.latencyMs;
  console.log(
    `\n### Worker processes (scaled out): ${options.decks} decks × ${options.slidesPerDeck} slides, L = ${options.latencyMs} ms, ` +
      `image cap ${CAP}, ${RUNS_PER_WORKER} runs × ${WORKERS_PER_RUN} workers per worker process; rate-limited: ${rate.toFixed(1)} calls/s, burst ${RATE_BURST}\n`,
  );
  console.log("| provider | budgets | workers | makespan | bound | vs bound | images/s | vs 1 worker | peak in flight | 429s | 429 share | failed |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) {
    const one = rows.find((other) => other.scenario === row.scenario && other.budgets === row.budgets && other.workers === 1);
    const throughput = row.images / row.seconds;
    const ratio = one ? throughput / (one.images / one.seconds) : Number.NaN;
    const provider = row.scenario === "cap" ? `latency ${options.latencyMs} ms` : `${rate.toFixed(1)}/s`;
    // The fastest the batch could go: whole flights of what the workers (and the shared cap) keep
    // in flight, each taking L; under the rate limit, no faster than the rate either (after the
    // bucket's burst), as a scheduler told the true rate would send.
    const inFlight = Math.min(RUNS_PER_WORKER * WORKERS_PER_RUN * row.workers, CAP);
    const flights = Math.ceil(row.images / inFlight) * options.latencyMs;
    const bound = (row.scenario === "cap" ? flights : Math.max(flights, ((row.images - RATE_BURST) / rate) * 1000 + options.latencyMs)) / 1000;
    console.log(
      `| ${provider} | ${row.budgets} | ${row.workers} | ${row.seconds.toFixed(2)} s | ${bound.toFixed(2)} s | ${(row.seconds / bound).toFixed(2)} | ${throughput.toFixed(1)} | ${ratio.toFixed(2)}× | ${row.peakInFlight} | ${row.rateLimited} | ${((row.rateLimited / row.attempts) * 100).toFixed(1)} % | ${row.failed} |`,
    );
  }
}

// `npm run bench`: makespan, 429s, engine CPU per task and peak memory for N image calls against
// the fake provider (in a child process, with latencies scaled so a "30 s" image takes 100 ms).
// Prints Markdown tables; docs/benchmarks.md records a run and how to read it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase } from "@/server/db";
import { applyMigrations } from "../tests/helpers/database";
import { measureEngineOverhead } from "./engine-overhead";
import { startFakeProviderProcess } from "./fake-provider-process";
import { measure, settleGarbage, type Measurement } from "./measure";
import { engineStrategy, imageCall, pool, serial, unbounded, type Tally } from "./strategies";

const LATENCY_MS = 100;
/** A "30 s" image takes LATENCY_MS; the engine's backoff is scaled the same way. */
const TIME_SCALE = LATENCY_MS / 30_000;
const CAP = 20; // MAX_CONCURRENT
const RATE = { ratePerSecond: 100, burst: 10 };
const SIZES = process.argv.includes("--quick") ? [10, 100] : [10, 100, 1000];
const ONLY = process.argv.find((argument) => argument.startsWith("--only="))?.slice("--only=".length);
// Engine timings scaled like the latency (backoff base 500 ms, cap 30 s); generous timeouts.
const ENGINE_TIMINGS = {
  retry: { maxAttempts: 4, baseDelayMs: 500 * TIME_SCALE, maxDelayMs: 30_000 * TIME_SCALE },
  timeoutMs: { text: 10_000, image: 10_000 },
};

interface Row extends Measurement {
  scenario: string;
  strategy: string;
  n: number;
  boundMs: number;
  tally: Tally;
  attempts: number;
  rateLimited: number;
}

const rows: Row[] = [];
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-"));
const databaseFile = path.join(directory, "bench.db");
applyMigrations(databaseFile);
const database = { url: `file:${databaseFile}`, db: createDatabase(`file:${databaseFile}`) };
const fake = await startFakeProviderProcess();
const plainCall = imageCall(fake.url, 0);
const sdkRetryCall = imageCall(fake.url, 10);

/** The physical bound: C calls at once of L each, and no more than r calls per second. */
function bound(n: number, concurrency: number, ratePerSecond: number | null): number {
  const byConcurrency = Math.ceil(n / concurrency) * LATENCY_MS;
  const byRate = ratePerSecond === null ? 0 : (n / ratePerSecond) * 1000 + LATENCY_MS;
  return Math.max(byConcurrency, byRate);
}

async function record(
  scenario: string,
  strategy: string,
  n: number,
  boundMs: number,
  work: (stop: () => void) => Promise<Tally & { attempts?: number; rateLimited?: number }>,
): Promise<void> {
  await fake.reset();
  await settleGarbage();
  const measured = await measure(work);
  const server = await fake.summary();
  rows.push({
    scenario,
    strategy,
    n,
    boundMs,
    ...measured,
    tally: measured.result,
    attempts: server.attempts,
    rateLimited: server.rateLimited,
  });
  const row = rows.at(-1)!;
  console.error(
    `${scenario} | ${strategy} | N=${n}: ${row.makespanMs.toFixed(0)} ms (bound ${boundMs.toFixed(0)}), ` +
      `${row.rateLimited}/${row.attempts} 429, ${row.tally.failed} failed, peak in flight ${server.peakInFlight}`,
  );
}

async function engineRow(scenario: string, strategy: string, n: number, boundMs: number, adaptive: boolean) {
  const engine = engineStrategy(database, plainCall, {
    ...ENGINE_TIMINGS,
    adaptive,
    maxConcurrent: { text: CAP, image: CAP },
    maxWorkers: CAP,
  });
  await record(scenario, strategy, n, boundMs, (stop) => engine.run(n, stop));
  await engine.shutdown();
}

try {
  // Warm up connections, the JIT and sharp, so the first measured row is not paying for them.
  await fake.configure({ latencyMs: 30_000, timeScale: TIME_SCALE, rateLimit: null, seed: 1 });
  await pool(50, plainCall, CAP);
  const warm = engineStrategy(database, plainCall, { ...ENGINE_TIMINGS, maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP });
  await warm.run(50, () => {});
  await warm.shutdown();

  const concurrencyBound = "concurrency-bound";
  for (const n of ONLY === "rate" || ONLY === "adaptive" ? [] : SIZES) {
    // Serial at N = 1000 would take N·L = 100 s and show nothing new: it is N·L by construction.
    if (n <= 100) await record(concurrencyBound, "serial", n, bound(n, 1, null), () => serial(n, plainCall));
    await record(concurrencyBound, "Promise.all (unbounded)", n, bound(n, n, null), () => unbounded(n, plainCall));
    await record(concurrencyBound, "p-limit pool of 5", n, bound(n, 5, null), () => pool(n, plainCall, 5));
    await record(concurrencyBound, `p-limit pool of ${CAP}`, n, bound(n, CAP, null), () => pool(n, plainCall, CAP));
    await engineRow(concurrencyBound, `engine, fixed cap ${CAP}`, n, bound(n, CAP, null), false);
    await engineRow(concurrencyBound, `engine, adaptive (cap ${CAP})`, n, bound(n, CAP, null), true);
  }

  const rateBound = `rate-bound (${RATE.ratePerSecond}/s, burst ${RATE.burst})`;
  await fake.configure({ rateLimit: RATE });
  for (const n of ONLY === "concurrency" ? [] : SIZES.filter((size) => size >= 100)) {
    if (ONLY === "adaptive") {
      await engineRow(rateBound, `engine, adaptive (cap ${CAP})`, n, bound(n, CAP, RATE.ratePerSecond), true);
      continue;
    }
    await record(rateBound, "Promise.all + SDK retries", n, bound(n, n, RATE.ratePerSecond), () => unbounded(n, sdkRetryCall));
    await record(rateBound, "p-limit pool of 5 + SDK retries", n, bound(n, 5, RATE.ratePerSecond), () => pool(n, sdkRetryCall, 5));
    await record(rateBound, `p-limit pool of ${CAP} + SDK retries`, n, bound(n, CAP, RATE.ratePerSecond), () => pool(n, sdkRetryCall, CAP));
    await engineRow(rateBound, `engine, fixed cap ${CAP}`, n, bound(n, CAP, RATE.ratePerSecond), false);
    await engineRow(rateBound, `engine, adaptive (cap ${CAP})`, n, bound(n, CAP, RATE.ratePerSecond), true);
  }
  await fake.configure({ rateLimit: null });

  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), L = ${LATENCY_MS} ms, cap ${CAP}`);
  printTables();
  const overhead = await measureEngineOverhead(database, SIZES.at(-1)! * 5);
  console.log("\n### Engine CPU per task (no HTTP)\n");
  console.log("| N | engine CPU | p-limit pool CPU | engine overhead per task |");
  console.log("|---:|---:|---:|---:|");
  console.log(
    `| ${overhead.n} | ${(overhead.engineMicroseconds / 1000).toFixed(1)} ms | ${(overhead.poolMicroseconds / 1000).toFixed(1)} ms | ` +
      `${overhead.perTaskMicroseconds.toFixed(1)} µs |`,
  );
  console.log(`\nPeak RSS of the benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await fake.close();
  await database.db.$disconnect();
  fs.rmSync(directory, { recursive: true, force: true });
}

function printTables(): void {
  for (const scenario of [...new Set(rows.map((row) => row.scenario))]) {
    console.log(`\n### ${scenario}, L = ${LATENCY_MS} ms\n`);
    console.log("| strategy | N | makespan | bound | ratio | 429 / attempts | failed | CPU per task | peak RSS |");
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const row of rows.filter((candidate) => candidate.scenario === scenario)) {
      const share = row.attempts === 0 ? 0 : (100 * row.rateLimited) / row.attempts;
      console.log(
        `| ${row.strategy} | ${row.n} | ${row.makespanMs.toFixed(0)} ms | ${row.boundMs.toFixed(0)} ms | ` +
          `${(row.makespanMs / row.boundMs).toFixed(3)} | ${row.rateLimited} / ${row.attempts} (${share.toFixed(1)}%) | ` +
          `${row.tally.failed} | ${(row.cpuMicroseconds / row.n).toFixed(0)} µs | ${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB |`,
      );
    }
  }
}

// `npm run bench`: makespan, 429s, engine CPU per task and peak memory for N image calls against
// the fake provider (in a child process, with latencies scaled so a "30 s" image takes 300 ms),
// a "slow provider" table where the provider allows less than one call per round trip, and the
// persona and slide-deck tables, which run the domains' real task types (bench/personas.ts,
// bench/decks.ts), and the "live" tables: the production server followed by many browsers over SSE,
// and its memory; and with --cluster, worker processes on PostgreSQL and Redis (bench/cluster.ts).
// Prints Markdown tables; docs/benchmarks.md records a run and how to read it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase } from "@/server/db";
import { createPrismaProviderLimitStore } from "@/server/generation/storage/prisma-provider-limit-store";
import { applyMigrations } from "../tests/helpers/database";
import type { BenchContext } from "./domain-engine";
import { deckTable } from "./decks";
import { measureEngineOverhead } from "./engine-overhead";
import { runLiveBench } from "./live";
import { measureOfflineImages } from "./offline-image";
import { personaTable } from "./personas";
import { startFakeProviderProcess } from "./fake-provider-process";
import { measure, settleGarbage, type Measurement } from "./measure";
import {
  mixedCall,
  oracle,
  partOf,
  slowBound,
  slowCalls,
  slowEngineSettings,
  slowProviderSettings,
  SLOW_SCENARIOS,
  speedOf,
  type SlowScenario,
} from "./slow-provider";
import { engineStrategy, imageCall, pool, serial, unbounded, type Tally } from "./strategies";

const flag = (name: string) => process.argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3);
const LATENCY_MS = Number(flag("latency") ?? 300);
/** A "30 s" image takes LATENCY_MS; the engine's backoff is scaled the same way. */
const TIME_SCALE = LATENCY_MS / 30_000;
const CAP = 20; // MAX_CONCURRENT
const RATE = { ratePerSecond: Number(flag("rate") ?? 50), burst: Number(flag("burst") ?? 10) };
const SIZES = process.argv.includes("--quick") ? [10, 100] : [10, 100, 1000];
const OVERHEAD_REPETITIONS = 7;
const ONLY = flag("only");
/** Whether the tables of this name run: every table without --only, else the one it names. */
const runs = (...names: string[]) => !ONLY || names.includes(ONLY);
/** One persona, timed at L (a second a run) and at 10 × L (ten), where its stages' own work is small. */
const PERSONA_RUNS = process.argv.includes("--quick")
  ? [{ latencyMs: LATENCY_MS, repetitions: 3 }]
  : [
      { latencyMs: LATENCY_MS, repetitions: 5 },
      { latencyMs: 10 * LATENCY_MS, repetitions: 2 },
    ];
if (ONLY === "cluster" || process.argv.includes("--cluster")) {
  // Worker processes on a PostgreSQL cluster and a redis-server of their own (bench/cluster.ts).
  const { runClusterBench, printClusterTable } = await import("./cluster");
  const options = {
    latencyMs: LATENCY_MS,
    workerCounts: flag("workers")?.split(",").map(Number) ?? [1, 2, 4],
    scenarios: flag("scenarios")?.split(","),
    decks: process.argv.includes("--quick") ? 8 : 12,
    slidesPerDeck: process.argv.includes("--quick") ? 12 : 24,
  };
  printClusterTable(await runClusterBench(options), options);
  process.exit(0);
}
if (ONLY === "live") {
  // The live tables start an app server of their own and need nothing below.
  await runLiveBench({ memory: !process.argv.includes("--quick") });
  process.exit(0);
}
/** The slow-provider scenarios run this many calls a second of real time at their fastest model. */
// 50: at 100 a second the timers' millisecond, late under load, already showed in the results.
const SLOW_REAL_RATE = Number(flag("slow-rate") ?? 50);
const SLOW_SIZES = process.argv.includes("--quick") ? [100] : [100, 1000];
// Engine timings scaled like the latency (backoff base 500 ms, cap 30 s); generous timeouts.
const ENGINE_TIMINGS = {
  retry: { maxAttempts: 4, baseDelayMs: 500 * TIME_SCALE, maxDelayMs: 30_000 * TIME_SCALE },
  timeoutMs: { text: 10_000, image: 10_000 },
};

interface Row extends Measurement {
  scenario: string;
  strategy: string;
  n: number;
  concurrency: number;
  boundMs: number;
  tally: Tally;
  attempts: number;
  rateLimited: number;
  /** Slow-provider rows run this many times faster than nominal time; the table shows nominal. */
  speed: number;
  /** The floor with the provider's burst counted: (N − b)/r + L. */
  floorMs?: number;
}

const rows: Row[] = [];
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-"));
const databaseFile = path.join(directory, "bench.db");
applyMigrations(databaseFile);
const database = { url: `file:${databaseFile}`, db: createDatabase(`file:${databaseFile}`) };
const fake = await startFakeProviderProcess();
// What the budgets learn, in the bench's database like the app's: warm rows start from it.
const limits = createPrismaProviderLimitStore(database.db);
const plainCall = imageCall(fake.url, 0);
const sdkRetryCall = imageCall(fake.url, 10);

/** The physical bound: C calls at once of L each, and no more than r calls per second. */
function bound(n: number, concurrency: number, ratePerSecond: number | null, latencyMs = LATENCY_MS): number {
  const byConcurrency = Math.ceil(n / concurrency) * latencyMs;
  const byRate = ratePerSecond === null ? 0 : (n / ratePerSecond) * 1000 + latencyMs;
  return Math.max(byConcurrency, byRate);
}

/**
 * L′: what one call really takes end to end when nothing else runs (the server's L plus HTTP,
 * the SDK and decoding the PNG), the median of calls one at a time.
 */
async function measuredLatencyMs(calls: number): Promise<number> {
  const durations: number[] = [];
  for (let index = 0; index < calls; index++) {
    const startedAt = performance.now();
    await plainCall(index);
    durations.push(performance.now() - startedAt);
  }
  durations.sort((left, right) => left - right);
  return durations[Math.floor(durations.length / 2)]!;
}
let latencyPrimeMs = LATENCY_MS;

async function record(
  scenario: string,
  strategy: string,
  n: number,
  concurrency: number,
  boundMs: number,
  work: (stop: () => void) => Promise<Tally & { attempts?: number; rateLimited?: number }>,
  extra: { speed?: number; floorMs?: number } = {},
): Promise<void> {
  await fake.reset();
  await settleGarbage();
  const measured = await measure(work);
  const server = await fake.summary();
  rows.push({
    scenario,
    strategy,
    n,
    concurrency,
    boundMs,
    ...measured,
    tally: measured.result,
    attempts: server.attempts,
    rateLimited: server.rateLimited,
    speed: extra.speed ?? 1,
    floorMs: extra.floorMs,
  });
  const row = rows.at(-1)!;
  console.error(
    `${scenario} | ${strategy} | N=${n}: ${row.makespanMs.toFixed(0)} ms (bound ${boundMs.toFixed(0)}), ` +
      `${row.rateLimited}/${row.attempts} 429, ${row.tally.failed} failed, peak in flight ${server.peakInFlight}`,
  );
}

/**
 * `identity` names the provider model for what the budget learns: a cold row uses one of its own,
 * a warm row the identity of the cold row before it, like a restarted server.
 */
async function engineRow(scenario: string, strategy: string, n: number, boundMs: number, adaptive: boolean, identity = `${scenario}/${strategy}/${n}`) {
  const engine = engineStrategy(
    database,
    plainCall,
    { ...ENGINE_TIMINGS, adaptive, maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP, budgetIdentity: { text: identity, image: identity } },
    { limits },
  );
  await record(scenario, strategy, n, CAP, boundMs, (stop) => engine.run(n, stop));
  await engine.shutdown();
}

try {
  if (runs("engine", "concurrency", "rate")) await warmUp();

  // --only=engine keeps the pool of 20 and the engine rows: what tuning the engine needs.
  const runsStrategy = (strategy: string) => ONLY !== "engine" || strategy.startsWith("engine") || strategy.startsWith(`p-limit pool of ${CAP}`);
  const concurrencyBound = "concurrency-bound";
  for (const n of runs("engine", "concurrency") ? SIZES : []) {
    // Serial at N = 1000 would take N·L and show nothing new: it is N·L by construction.
    const baselines: Array<[string, number, () => Promise<Tally>]> = [
      ["serial", 1, () => serial(n, plainCall)],
      ["Promise.all (unbounded)", n, () => unbounded(n, plainCall)],
      ["p-limit pool of 5", 5, () => pool(n, plainCall, 5)],
      [`p-limit pool of ${CAP}`, CAP, () => pool(n, plainCall, CAP)],
    ];
    for (const [strategy, concurrency, work] of baselines) {
      if (runsStrategy(strategy) && (strategy !== "serial" || n <= 100)) await record(concurrencyBound, strategy, n, concurrency, bound(n, concurrency, null), work);
    }
    await engineRow(concurrencyBound, `engine, fixed cap ${CAP}`, n, bound(n, CAP, null), false);
    await engineRow(concurrencyBound, `engine, adaptive (cap ${CAP})`, n, bound(n, CAP, null), true);
    if (n === 100) {
      const learned = `${concurrencyBound}/engine, adaptive (cap ${CAP})/${n}`;
      await engineRow(concurrencyBound, `engine, adaptive, warm (remembered)`, n, bound(n, CAP, null), true, learned);
    }
  }

  const rateBound = `rate-bound (${RATE.ratePerSecond}/s, burst ${RATE.burst})`;
  await fake.configure({ rateLimit: RATE });
  for (const n of runs("engine", "rate") ? SIZES.filter((size) => size >= 100) : []) {
    const rate = RATE.ratePerSecond;
    const baselines: Array<[string, number, () => Promise<Tally>]> = [
      ["Promise.all + SDK retries", n, () => unbounded(n, sdkRetryCall)],
      ["p-limit pool of 5 + SDK retries", 5, () => pool(n, sdkRetryCall, 5)],
      [`p-limit pool of ${CAP} + SDK retries`, CAP, () => pool(n, sdkRetryCall, CAP)],
    ];
    for (const [strategy, concurrency, work] of baselines) {
      if (runsStrategy(strategy)) await record(rateBound, strategy, n, concurrency, bound(n, concurrency, rate), work);
    }
    await engineRow(rateBound, `engine, fixed cap ${CAP}`, n, bound(n, CAP, rate), false);
    await engineRow(rateBound, `engine, adaptive (cap ${CAP})`, n, bound(n, CAP, rate), true);
    if (n === 100) {
      const learned = `${rateBound}/engine, adaptive (cap ${CAP})/${n}`;
      await engineRow(rateBound, `engine, adaptive, warm (remembered)`, n, bound(n, CAP, rate), true, learned);
    }
  }
  await fake.configure({ rateLimit: null });

  for (const scenario of runs("slow") ? SLOW_SCENARIOS : []) {
    for (const n of SLOW_SIZES) await slowRows(scenario, n);
  }

  const context: BenchContext = { fake, database, latencyMs: LATENCY_MS, timeScale: TIME_SCALE, cap: CAP };
  const personaLines = runs("persona") ? await personaTable(context, { single: PERSONA_RUNS }) : [];
  // Pools of 4 and 6 place the original's best fixed setting to one worker, for the optimal-workers answer.
  // A deck of 10 is over in a second: its rows run three times and show the median.
  const deckOptions = {
    sizes: [10, 100],
    workers: [5, 10, 20],
    extraPoolWorkers: process.argv.includes("--quick") ? [] : [4, 6],
    repetitions: (slides: number) => (slides <= 10 && !process.argv.includes("--quick") ? 3 : 1),
  };
  const deckLines = runs("decks") ? await deckTable(context, deckOptions) : [];

  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), L = ${LATENCY_MS} ms, cap ${CAP}`);
  printTables();
  for (const line of [...personaLines, ...deckLines]) console.log(line);
  if (!ONLY) await measureTheRest();
  if (!ONLY) await runLiveBench({ memory: !process.argv.includes("--quick") });
} finally {
  await fake.close();
  await database.db.$disconnect();
  fs.rmSync(directory, { recursive: true, force: true });
}

/** Warms up connections, the JIT and sharp, so the first measured row is not paying for them; then measures L′. */
async function warmUp(): Promise<void> {
  await fake.configure({ latencyMs: 30_000, timeScale: TIME_SCALE, rateLimit: null, seed: 1 });
  await pool(50, plainCall, CAP);
  const warm = engineStrategy(database, plainCall, { ...ENGINE_TIMINGS, maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP });
  await warm.run(50, () => {});
  await warm.shutdown();
  latencyPrimeMs = await measuredLatencyMs(21);
  console.error(`L′ (one call alone, median of 21) = ${latencyPrimeMs.toFixed(1)} ms for L = ${LATENCY_MS} ms`);
}

/**
 * One slow-provider scenario at N: the baselines (SDK retries, the rate-told oracle) and the
 * engine cold with and without the provider's quota headers, and warm at N = 100.
 */
async function slowRows(scenario: SlowScenario, n: number): Promise<void> {
  const speed = speedOf(scenario, SLOW_REAL_RATE);
  const table = `slow provider: ${scenario.name}`;
  const boundMs = slowBound(scenario, n) / speed;
  const extra = { speed, floorMs: slowBound(scenario, n, RATE.burst) / speed };
  const sdk = slowCalls(scenario, fake.url, 10);
  const plain = slowCalls(scenario, fake.url, 0);
  // Every row starts with full buckets, as after a quiet spell.
  const provider = (headers: boolean) => fake.configure(slowProviderSettings(scenario, speed, RATE.burst, headers));
  const baselines: Array<[string, number, () => Promise<Tally>]> = [
    ["Promise.all + SDK retries", n, () => unbounded(n, mixedCall(scenario, sdk))],
    ["p-limit pool of 5 + SDK retries", 5, () => pool(n, mixedCall(scenario, sdk), 5)],
    ["p-limit pool of 10 + SDK retries", 10, () => pool(n, mixedCall(scenario, sdk), 10)],
    [`p-limit pool of ${CAP} + SDK retries`, CAP, () => pool(n, mixedCall(scenario, sdk), CAP)],
    ["bottleneck told the rate (oracle)", n, () => oracle(scenario, n, speed, plain)],
  ];
  for (const [strategy, concurrency, work] of baselines) {
    await provider(true);
    await record(table, strategy, n, concurrency, boundMs, work, extra);
  }
  const engineRun = async (strategy: string, headers: boolean, identity: string) => {
    await provider(headers);
    const engine = engineStrategy(
      database,
      plain,
      {
        ...slowEngineSettings(speed),
        adaptive: true,
        maxConcurrent: { text: CAP, image: CAP },
        maxWorkers: CAP,
        budgetIdentity: { text: `${identity}/text`, image: `${identity}/image` },
      },
      { limits, kindOf: (index) => partOf(scenario, index).kind },
    );
    await record(table, strategy, n, CAP, boundMs, (stop) => engine.run(n, stop), extra);
    await engine.shutdown();
  };
  const learned = `${table}/${n}`;
  await engineRun("engine, adaptive, cold", true, learned);
  // Without headers only at N = 100: at N = 1000 it would add a minute and a half to the bench.
  if (n === 100) await engineRun("engine, adaptive, cold, no quota headers", false, `${table}/${n}/no-headers`);
  if (n === 100) await engineRun("engine, adaptive, warm (remembered)", true, learned);
}

/** Engine CPU per task without HTTP, and the offline image provider. */
async function measureTheRest(): Promise<void> {
  const overhead = await measureEngineOverhead(database, SIZES.at(-1)! * 5, OVERHEAD_REPETITIONS);
  console.log("\n### Engine CPU per task (no HTTP)\n");
  console.log("| N | repetitions | engine CPU (median) | p-limit pool CPU (median) | engine overhead per task (median) | each repetition |");
  console.log("|---:|---:|---:|---:|---:|---|");
  console.log(
    `| ${overhead.n} | ${OVERHEAD_REPETITIONS} | ${(overhead.engineMicroseconds / 1000).toFixed(1)} ms | ${(overhead.poolMicroseconds / 1000).toFixed(1)} ms | ` +
      `${overhead.perTaskMicroseconds.toFixed(1)} µs | ${overhead.perTaskSamples.map((value) => value.toFixed(0)).join(", ")} µs |`,
  );
  const images = await measureOfflineImages();
  console.log("\n### Offline image provider (sharp, one render at a time, after a warm-up)\n");
  console.log("| size | renders | median | p95 |");
  console.log("|---|---:|---:|---:|");
  for (const timing of images) {
    console.log(`| ${timing.size} | ${timing.renders} | ${timing.medianMs.toFixed(1)} ms | ${timing.p95Ms.toFixed(1)} ms |`);
  }
  console.log(`\nPeak RSS of the benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

function printTables(): void {
  for (const scenario of [...new Set(rows.map((row) => row.scenario))]) {
    // Without a rate limit the floor is set by what one call really takes (L′), and the engine is
    // also compared with the bare pool at its own parallelism, which pays the same provider path.
    const concurrencyBound = scenario === "concurrency-bound";
    if (scenario.startsWith("slow provider")) {
      printSlowTable(scenario);
      continue;
    }
    console.log(`\n### ${scenario}, L = ${LATENCY_MS} ms${concurrencyBound ? `, L′ = ${latencyPrimeMs.toFixed(1)} ms` : ""}\n`);
    const extra = concurrencyBound ? " bound at L′ | ratio at L′ | vs pool of " + CAP + " |" : "";
    console.log(`| strategy | N | makespan | bound | ratio |${extra} 429 / attempts | failed | CPU per task | peak RSS |`);
    console.log(`|---|---:|---:|---:|---:|${concurrencyBound ? "---:|---:|---:|" : ""}---:|---:|---:|---:|`);
    for (const row of rows.filter((candidate) => candidate.scenario === scenario)) {
      const share = row.attempts === 0 ? 0 : (100 * row.rateLimited) / row.attempts;
      let columns = "";
      if (concurrencyBound) {
        const primeBound = bound(row.n, row.concurrency, null, latencyPrimeMs);
        const pool = rows.find(
          (candidate) => candidate.scenario === scenario && candidate.n === row.n && candidate.strategy === `p-limit pool of ${CAP}`,
        );
        const versusPool = row.strategy.startsWith("engine") && pool ? (row.makespanMs / pool.makespanMs).toFixed(3) : "";
        columns = ` ${primeBound.toFixed(0)} ms | ${(row.makespanMs / primeBound).toFixed(3)} | ${versusPool} |`;
      }
      console.log(
        `| ${row.strategy} | ${row.n} | ${row.makespanMs.toFixed(0)} ms | ${row.boundMs.toFixed(0)} ms | ` +
          `${(row.makespanMs / row.boundMs).toFixed(3)} |${columns} ${row.rateLimited} / ${row.attempts} (${share.toFixed(1)}%) | ` +
          `${row.tally.failed} | ${(row.cpuMicroseconds / row.n).toFixed(0)} µs | ${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB |`,
      );
    }
  }
}

function printSlowTable(scenario: string): void {
  const scenarioRows = rows.filter((candidate) => candidate.scenario === scenario);
  const speed = scenarioRows[0]!.speed;
  console.log(`\n### ${scenario}, burst ${RATE.burst}, run ${speed}× faster (times below are nominal)\n`);
  console.log("| strategy | N | makespan | bound N/r + L | ratio | ratio to (N − b)/r + L | 429 / attempts | failed | CPU per task |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of scenarioRows) {
    const share = row.attempts === 0 ? 0 : (100 * row.rateLimited) / row.attempts;
    console.log(
      `| ${row.strategy} | ${row.n} | ${((row.makespanMs * row.speed) / 1000).toFixed(1)} s | ${((row.boundMs * row.speed) / 1000).toFixed(1)} s | ` +
        `${(row.makespanMs / row.boundMs).toFixed(3)} | ${(row.makespanMs / row.floorMs!).toFixed(3)} | ${row.rateLimited} / ${row.attempts} (${share.toFixed(1)}%) | ` +
        `${row.tally.failed} | ${(row.cpuMicroseconds / row.n).toFixed(0)} µs |`,
    );
  }
}

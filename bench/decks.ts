// The slide-deck table (issue 12): decks of 10 and 100 slides at 5, 10 and 20 workers against a
// rate-limited fake provider, rendered two ways:
// - the original service's way: a fixed pool of N workers making plain openai SDK calls with the
//   SDK's own retries (honouring retry-after-ms), each image written to a file; with the SDK's
//   default of 2 retries, and with the 10 the bench's other pools get. Slides whose retries ran
//   out are sent again through the same pool until every slide has its image: what the deck's
//   owner does about failed slides, and the time to a deck that is done;
// - the app's way: createDeck on a new engine (the slides.image task type, images stored with
//   thumbnails and rows), its adaptive image budget not told the rate, the deck's workers as set:
//   cold, and warm (a new engine starting from what the cold one stored, as a restarted server);
//   then the operators' optimal-workers answer (slides/operations.ts) from what that engine measured.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import pLimit from "p-limit";
import { createDeck } from "@/server/features/slides/decks";
import { createDeckInput, stylePromptOf } from "@/server/features/slides/deck-input";
import { optimalWorkers } from "@/server/features/slides/operations";
import type { ProviderLimitStore } from "@/server/generation/limits/provider-limits";
import { createPrismaProviderLimitStore } from "@/server/generation/storage/prisma-provider-limit-store";
import { DEFAULT_MODELS } from "@/server/providers/create-providers";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";
import { BENCH_ACTOR, createDomainEngine, engineTimingsAt, timeRun, type BenchContext } from "./domain-engine";

/** r·L: the calls in flight the provider sustains; the rate follows from the bench's L. */
export const RATE_TIMES_LATENCY = 5;
/** The provider's burst: small, so that a flight of calls sent at once is mostly refused. */
export const BURST = 2;
/**
 * The openai SDK's default (a plain client retries twice): the original service; and the 10 the
 * bench's other pools get, to show how much of the finding the retries make.
 */
export const SDK_RETRIES = [2, 10];
const ORIGINAL_RETRIES = SDK_RETRIES[0]!;
/** A pool sends failed slides again at most this often (it never needed more than a few). */
const MAX_PASSES = 50;
const PRESET = "flat-corporate";

export interface DeckTableOptions {
  sizes: number[];
  workers: number[];
  /** More sizes of the original service's pool, to place its best fixed setting to one worker. */
  extraPoolWorkers: number[];
  /** How often each row runs at a deck size: a short deck is over in a second, and noisy. */
  repetitions(slides: number): number;
}

interface Row {
  slides: number;
  strategy: "pool" | "engine";
  /** The pool's SDK retries. */
  retries?: number;
  /** An engine that started from what the cold engine before it learned. */
  warm?: boolean;
  workers: number;
  /** To a deck with every slide's image. The row is the median of its runs, all of them here. */
  makespanMs: number;
  makespansMs?: number[];
  firstPassMs: number;
  failedFirstPass: number;
  passes: number;
  rateLimited: number;
  attempts: number;
  /** Slides without an image at the end (engine: failed tasks). */
  failed: number;
  /**
   * Time workers were busy per slide: the pool's calls (SDK retries and the file write included),
   * the engine's slide tasks (waits for the budget, the image stored with its thumbnail and rows).
   * With every worker busy throughout, makespan ≈ slides × this ÷ workers.
   */
  busyPerSlideMs: number;
  optimal?: { workers: number; basis: string; reason: string };
}

const slidesOf = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    title: `Slide ${index + 1}`,
    text: `Point ${index + 1} of the talk`,
    // The original service sent each slide's text as its prompt: no text-model call.
    imagePrompt: `An illustration of point ${index + 1} of the talk`,
  }));

/** One slide's image as the original service made it: the SDK with its retries, the PNG to a file. */
function slideRenderer(context: BenchContext, directory: string, retries: number) {
  const baseURL = context.fake.url;
  const client = new OpenAI({ apiKey: "bench", baseURL, timeout: 60_000, maxRetries: retries });
  const model = createOpenAIImageModel({ client, model: DEFAULT_MODELS.openai.image, baseURL, timeoutMs: 60_000 });
  const style = stylePromptOf(PRESET, undefined);
  const renderer = {
    busyMs: 0,
    async render(slide: { imagePrompt: string }, index: number) {
      const startedAt = performance.now();
      try {
        const image = await model.renderImage({ prompt: slide.imagePrompt, style, size: "16:9", quality: "standard" });
        await fs.promises.writeFile(path.join(directory, `${index}.png`), image.png);
      } finally {
        renderer.busyMs += performance.now() - startedAt;
      }
    },
  };
  return renderer;
}

async function poolRow(context: BenchContext, slides: number, workers: number, retries: number): Promise<Row> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-pool-"));
  const renderer = slideRenderer(context, directory, retries);
  const deck = slidesOf(slides);
  const limit = pLimit(workers);
  try {
    const startedAt = performance.now();
    let pending = deck.map((_, index) => index);
    let firstPassMs = 0;
    let failedFirstPass = 0;
    let passes = 0;
    while (pending.length > 0 && passes < MAX_PASSES) {
      const outcomes = await Promise.allSettled(pending.map((index) => limit(() => renderer.render(deck[index]!, index))));
      pending = pending.filter((_, position) => outcomes[position]!.status === "rejected");
      if (passes++ === 0) {
        firstPassMs = performance.now() - startedAt;
        failedFirstPass = pending.length;
      }
    }
    const makespanMs = performance.now() - startedAt;
    const server = await context.fake.summary();
    return {
      slides,
      strategy: "pool",
      retries,
      workers,
      makespanMs,
      firstPassMs,
      failedFirstPass,
      passes,
      rateLimited: server.rateLimited,
      attempts: server.attempts,
      failed: pending.length,
      busyPerSlideMs: renderer.busyMs / slides,
    };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** `identity` names what the image budget learns: a cold row's own, reused by the warm row after it. */
async function engineRow(context: BenchContext, slides: number, workers: number, learned: { limits: ProviderLimitStore; identity: string; warm: boolean }): Promise<Row> {
  const settings = { ...engineTimingsAt(context.timeScale), budgetIdentity: { image: learned.identity } };
  const domain = createDomainEngine(context, settings, learned.limits);
  try {
    const input = createDeckInput.parse({ title: `Deck of ${slides}`, stylePreset: PRESET, aspectRatio: "16:9", quality: "standard", maxWorkers: workers, slides: slidesOf(slides) });
    const { makespanMs, run } = await timeRun(domain.engine, async () => (await createDeck(domain.services, BENCH_ACTOR, input)).runId);
    const server = await context.fake.summary();
    const answer = await optimalWorkers(domain.services, slides);
    const failed = run.counts.total - run.counts.succeeded;
    return {
      slides,
      strategy: "engine",
      warm: learned.warm,
      workers,
      makespanMs,
      firstPassMs: makespanMs,
      failedFirstPass: failed,
      passes: 1,
      rateLimited: server.rateLimited,
      attempts: server.attempts,
      failed,
      busyPerSlideMs: run.tasks.reduce((total, task) => total + (task.durationMs ?? 0), 0) / slides,
      optimal: { workers: answer.workers, basis: answer.basis, reason: answer.reason },
    };
  } finally {
    await domain.close();
  }
}

/** Runs the table's rows and returns it, with its targets, as Markdown. */
export async function deckTable(context: BenchContext, options: DeckTableOptions): Promise<string[]> {
  const { fake, latencyMs, timeScale } = context;
  const ratePerSecond = RATE_TIMES_LATENCY / (latencyMs / 1000);
  const provider = { latencyMs: 30_000, timeScale, models: {}, rateLimitHeaders: false };
  const limits = createPrismaProviderLimitStore(context.database.db);
  const identity = (slides: number, workers: number) => `openai:${DEFAULT_MODELS.openai.image} (bench decks, ${slides} slides, ${workers} workers)`;
  // Warm-up without a limit: connections, the JIT, the fake's 1792×1024 PNG, the thumbnails.
  await fake.configure({ ...provider, rateLimit: null });
  await poolRow(context, 10, 5, ORIGINAL_RETRIES);
  await engineRow(context, 10, 5, { limits, identity: "bench decks warm-up", warm: false });

  const rows: Row[] = [];
  for (const slides of options.sizes) {
    const poolWorkers = (retries: number) =>
      retries === ORIGINAL_RETRIES ? [...options.workers, ...options.extraPoolWorkers].sort((left, right) => left - right) : options.workers;
    const repetitions = options.repetitions(slides);
    const measure = async (runRow: () => Promise<Row>) => {
      // Every run starts with a full bucket, as after a quiet spell.
      await fake.configure({ ...provider, rateLimit: { ratePerSecond, burst: BURST } });
      await fake.reset();
      const row = await runRow();
      log(row);
      return row;
    };
    for (const retries of SDK_RETRIES) {
      for (const workers of poolWorkers(retries)) {
        const runs: Row[] = [];
        for (let repetition = 0; repetition < repetitions; repetition++) runs.push(await measure(() => poolRow(context, slides, workers, retries)));
        rows.push(medianRun(runs));
      }
    }
    for (const workers of options.workers) {
      const cold: Row[] = [];
      const warm: Row[] = [];
      for (let repetition = 0; repetition < repetitions; repetition++) {
        // Each cold run learns under its own identity; the warm run after it starts from that.
        const learned = { limits, identity: `${identity(slides, workers)} #${repetition + 1}` };
        cold.push(await measure(() => engineRow(context, slides, workers, { ...learned, warm: false })));
        warm.push(await measure(() => engineRow(context, slides, workers, { ...learned, warm: true })));
      }
      rows.push(medianRun(cold), medianRun(warm));
    }
  }
  await fake.configure({ rateLimit: null });
  return print(rows, context, ratePerSecond);
}

/** The run with the median makespan, carrying every run's makespan. */
function medianRun(runs: Row[]): Row {
  const sorted = [...runs].sort((left, right) => left.makespanMs - right.makespanMs);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, makespansMs: sorted.map((run) => run.makespanMs) };
}

function log(row: Row): void {
  console.error(
    `decks | ${row.slides} slides | ${row.strategy}${row.retries === undefined ? "" : ` (${row.retries} retries)`}${row.warm ? " (warm)" : ""} | ${row.workers} workers: ${row.makespanMs.toFixed(0)} ms (first pass ${row.firstPassMs.toFixed(0)} ms, ` +
      `${row.failedFirstPass} failed, ${row.passes} passes), ${row.rateLimited}/${row.attempts} 429${row.optimal ? `, optimal workers ${row.optimal.workers} (${row.optimal.reason})` : ""}`,
  );
}

/** The floor for W workers at r calls a second with a burst of b: max(⌈N/W⌉·L, (N − b)/r + L). */
function boundMs(slides: number, workers: number, latencyMs: number, ratePerSecond: number): number {
  return Math.max(Math.ceil(slides / workers) * latencyMs, (Math.max(0, slides - BURST) / ratePerSecond) * 1000 + latencyMs);
}

function print(rows: Row[], context: BenchContext, ratePerSecond: number): string[] {
  const { latencyMs } = context;
  const nominal = (milliseconds: number) => `${(milliseconds / context.timeScale / 1000).toFixed(1)} s`;
  const runsOf = (row: Row) => ((row.makespansMs?.length ?? 0) > 1 ? ` (${row.makespansMs!.map((value) => (value / context.timeScale / 1000).toFixed(1)).join(", ")})` : "");
  const lines = [
    `\n### Slide decks: L = ${latencyMs} ms ("30 s"), token bucket ${ratePerSecond.toFixed(2)}/s (r·L = ${RATE_TIMES_LATENCY}), burst ${BURST}, no quota headers; times nominal\n`,
    "| slides | strategy | workers | makespan to a complete deck (median, every run) | bound | ratio | vs the pool at the same workers | first pass | failed in the first pass | passes | 429 / attempts | failed at the end | worker time per slide | optimal-workers answer |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const bound = boundMs(row.slides, row.workers, latencyMs, ratePerSecond);
    const share = row.attempts === 0 ? 0 : (100 * row.rateLimited) / row.attempts;
    const strategy = row.strategy === "pool" ? `fixed pool + ${row.retries} SDK retries` : `engine, adaptive, ${row.warm ? "warm (remembered)" : "cold"}`;
    const optimal = row.optimal ? `${row.optimal.workers} (${row.optimal.basis}: ${row.optimal.reason})` : "";
    const pools = rows.filter((other) => other.strategy === "pool" && other.slides === row.slides && other.workers === row.workers);
    const versusPool = row.strategy === "engine" ? pools.map((pool) => `${(row.makespanMs / pool.makespanMs).toFixed(3)} (${pool.retries} retries)`).join(", ") : "";
    lines.push(
      `| ${row.slides} | ${strategy} | ${row.workers} | ${nominal(row.makespanMs)}${runsOf(row)} | ${nominal(bound)} | ${(row.makespanMs / bound).toFixed(3)} | ${versusPool} | ` +
        `${nominal(row.firstPassMs)} | ${row.failedFirstPass} | ${row.passes} | ${row.rateLimited} / ${row.attempts} (${share.toFixed(1)}%) | ${row.failed} | ` +
        `${nominal(row.busyPerSlideMs)} | ${optimal} |`,
    );
  }
  return [...lines, ...targets(rows)];
}

/**
 * The issue's three targets, per deck size, read from the rows. The best fixed setting is the
 * fastest of the original service's pools (the SDK's default retries).
 */
function targets(rows: Row[]): string[] {
  const lines = ["\n| slides | target | result | met? |", "|---:|---|---|---|"];
  for (const slides of [...new Set(rows.map((row) => row.slides))]) {
    const pools = rows.filter((row) => row.slides === slides && row.strategy === "pool");
    for (const retries of SDK_RETRIES) {
      const pool = (workers: number) => pools.find((row) => row.workers === workers && row.retries === retries);
      const [five, ten] = [pool(5), pool(10)];
      if (!five || !ten) continue;
      const ratio = ten.makespanMs / five.makespanMs;
      const which = retries === ORIGINAL_RETRIES ? "original finding: a pool of 5 beats a pool of 10" : `the same with ${retries} SDK retries (not the original's)`;
      lines.push(`| ${slides} | ${which} | 10 workers take ${ratio.toFixed(3)} × as long as 5 (${ten.rateLimited} against ${five.rateLimited} 429s) | ${ratio > 1 ? "yes" : "no"} |`);
    }
    const original = pools.filter((row) => row.retries === ORIGINAL_RETRIES);
    const best = original.reduce((fastest, row) => (row.makespanMs < fastest.makespanMs ? row : fastest));
    for (const warm of [false, true]) {
      const engines = rows.filter((row) => row.slides === slides && row.strategy === "engine" && row.warm === warm);
      const ratios = engines.map((row) => row.makespanMs / best.makespanMs);
      const engine = warm ? "warm" : "cold";
      lines.push(
        `| ${slides} | the engine (${engine}) matches (within 5%) or beats the best fixed setting (pool of ${best.workers}) at every worker setting | ` +
          `${engines.map((row, index) => `${row.workers} workers: ${ratios[index]!.toFixed(3)}`).join(", ")} | ${ratios.every((ratio) => ratio <= 1.05) ? "yes" : "no"} |`,
      );
      const answers = engines.map((row) => row.optimal!.workers);
      const within = answers.every((workers) => Math.abs(workers - best.workers) <= 1);
      lines.push(
        `| ${slides} | the optimal-workers answer (${engine} engine) within one worker of the best fixed setting (${best.workers}) | ` +
          `${answers.join(", ")} (after the runs at ${engines.map((row) => row.workers).join(", ")} workers) | ${within ? "yes" : "no"} |`,
      );
    }
  }
  return lines;
}

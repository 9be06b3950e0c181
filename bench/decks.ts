// The slide-deck table (issue 12): decks of 10 and 100 slides at 5, 10 and 20 workers against a
// rate-limited fake provider, rendered two ways:
// - the original service's way: a fixed pool of N workers making plain openai SDK calls with the
//   SDK's own retries (its default of 2, honouring retry-after-ms), each image written to a file.
//   Slides whose retries ran out are sent again through the same pool until every slide has its
//   image: what the deck's owner does about failed slides, and the time to a deck that is done;
// - the app's way: createDeck on a new engine (the slides.image task type, images stored with
//   thumbnails and rows), its adaptive image budget not told the rate, the deck's workers as set;
//   then the operators' optimal-workers answer (slides/operations.ts) from what that engine measured.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import pLimit from "p-limit";
import { createDeck } from "@/server/features/slides/decks";
import { createDeckInput, stylePromptOf } from "@/server/features/slides/deck-input";
import { optimalWorkers } from "@/server/features/slides/operations";
import { DEFAULT_MODELS } from "@/server/providers/create-providers";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";
import { BENCH_ACTOR, createDomainEngine, engineTimingsAt, timeRun, type BenchContext } from "./domain-engine";

/** r·L: the calls in flight the provider sustains; the rate follows from the bench's L. */
export const RATE_TIMES_LATENCY = 5;
/** The provider's burst: small, so that a flight of calls sent at once is mostly refused. */
export const BURST = 2;
/** The openai SDK's own default: a plain client retries twice. */
const SDK_DEFAULT_RETRIES = 2;
/** A pool sends failed slides again at most this often (it never needed more than a few). */
const MAX_PASSES = 50;
const PRESET = "flat-corporate";

export interface DeckTableOptions {
  sizes: number[];
  workers: number[];
  /** More pool sizes at the largest deck, to place the best fixed setting to one worker. */
  extraPoolWorkers: number[];
}

interface Row {
  slides: number;
  strategy: "pool" | "engine";
  workers: number;
  /** To a deck with every slide's image. */
  makespanMs: number;
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
function slideRenderer(context: BenchContext, directory: string) {
  const baseURL = context.fake.url;
  const client = new OpenAI({ apiKey: "bench", baseURL, timeout: 60_000, maxRetries: SDK_DEFAULT_RETRIES });
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

async function poolRow(context: BenchContext, slides: number, workers: number): Promise<Row> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-bench-pool-"));
  const renderer = slideRenderer(context, directory);
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

async function engineRow(context: BenchContext, slides: number, workers: number): Promise<Row> {
  const domain = createDomainEngine(context, engineTimingsAt(context.timeScale));
  try {
    const input = createDeckInput.parse({ title: `Deck of ${slides}`, stylePreset: PRESET, aspectRatio: "16:9", quality: "standard", maxWorkers: workers, slides: slidesOf(slides) });
    const { makespanMs, run } = await timeRun(domain.engine, async () => (await createDeck(domain.services, BENCH_ACTOR, input)).runId);
    const server = await context.fake.summary();
    const answer = await optimalWorkers(domain.services, slides);
    const failed = run.counts.total - run.counts.succeeded;
    return {
      slides,
      strategy: "engine",
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
  // Warm-up without a limit: connections, the JIT, the fake's 1792×1024 PNG, the thumbnails.
  await fake.configure({ ...provider, rateLimit: null });
  await poolRow(context, 10, 5);
  await engineRow(context, 10, 5);

  const rows: Row[] = [];
  for (const slides of options.sizes) {
    const poolWorkers = slides === Math.max(...options.sizes) ? [...options.workers, ...options.extraPoolWorkers].sort((a, b) => a - b) : options.workers;
    const measure = async (row: () => Promise<Row>) => {
      // Every row starts with a full bucket, as after a quiet spell.
      await fake.configure({ ...provider, rateLimit: { ratePerSecond, burst: BURST } });
      await fake.reset();
      rows.push(await row());
      log(rows.at(-1)!);
    };
    for (const workers of poolWorkers) await measure(() => poolRow(context, slides, workers));
    for (const workers of options.workers) await measure(() => engineRow(context, slides, workers));
  }
  await fake.configure({ rateLimit: null });
  return print(rows, context, ratePerSecond);
}

function log(row: Row): void {
  console.error(
    `decks | ${row.slides} slides | ${row.strategy} | ${row.workers} workers: ${row.makespanMs.toFixed(0)} ms (first pass ${row.firstPassMs.toFixed(0)} ms, ` +
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
  const lines = [
    `\n### Slide decks: L = ${latencyMs} ms ("30 s"), token bucket ${ratePerSecond.toFixed(2)}/s (r·L = ${RATE_TIMES_LATENCY}), burst ${BURST}, no quota headers; times nominal\n`,
    "| slides | strategy | workers | makespan to a complete deck | bound | ratio | vs the pool at the same workers | first pass | failed in the first pass | passes | 429 / attempts | failed at the end | worker time per slide | optimal-workers answer |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const bound = boundMs(row.slides, row.workers, latencyMs, ratePerSecond);
    const share = row.attempts === 0 ? 0 : (100 * row.rateLimited) / row.attempts;
    const strategy = row.strategy === "pool" ? `fixed pool + SDK retries (${SDK_DEFAULT_RETRIES})` : "engine, adaptive";
    const optimal = row.optimal ? `${row.optimal.workers} (${row.optimal.basis}: ${row.optimal.reason})` : "";
    const pool = rows.find((other) => other.strategy === "pool" && other.slides === row.slides && other.workers === row.workers);
    const versusPool = row.strategy === "engine" && pool ? (row.makespanMs / pool.makespanMs).toFixed(3) : "";
    lines.push(
      `| ${row.slides} | ${strategy} | ${row.workers} | ${nominal(row.makespanMs)} | ${nominal(bound)} | ${(row.makespanMs / bound).toFixed(3)} | ${versusPool} | ` +
        `${nominal(row.firstPassMs)} | ${row.failedFirstPass} | ${row.passes} | ${row.rateLimited} / ${row.attempts} (${share.toFixed(1)}%) | ${row.failed} | ` +
        `${nominal(row.busyPerSlideMs)} | ${optimal} |`,
    );
  }
  return [...lines, ...targets(rows)];
}

/** The issue's three targets, per deck size, read from the rows. */
function targets(rows: Row[]): string[] {
  const lines = ["\n| slides | target | result | met? |", "|---:|---|---|---|"];
  for (const slides of [...new Set(rows.map((row) => row.slides))]) {
    const pools = rows.filter((row) => row.slides === slides && row.strategy === "pool");
    const engines = rows.filter((row) => row.slides === slides && row.strategy === "engine");
    const pool = (workers: number) => pools.find((row) => row.workers === workers);
    const best = pools.reduce((fastest, row) => (row.makespanMs < fastest.makespanMs ? row : fastest));
    const five = pool(5);
    const ten = pool(10);
    if (five && ten) {
      const ratio = ten.makespanMs / five.makespanMs;
      lines.push(`| ${slides} | original finding: a pool of 5 beats a pool of 10 | 10 workers take ${ratio.toFixed(2)} × as long as 5 (${ten.rateLimited} against ${five.rateLimited} 429s) | ${ratio > 1 ? "yes" : "no"} |`);
    }
    const worst = engines.reduce((slowest, row) => (row.makespanMs > slowest.makespanMs ? row : slowest));
    const ratio = worst.makespanMs / best.makespanMs;
    lines.push(
      `| ${slides} | engine matches or beats the best fixed setting (pool of ${best.workers}) at every worker setting, within 5% | ` +
        `${engines.map((row) => `${row.workers} workers: ${(row.makespanMs / best.makespanMs).toFixed(3)}`).join(", ")} | ${ratio <= 1.05 ? "yes" : "no"} |`,
    );
    const answers = engines.map((row) => row.optimal!.workers);
    const within = answers.every((workers) => Math.abs(workers - best.workers) <= 1);
    lines.push(`| ${slides} | optimal-workers answer within one worker of the best fixed setting (${best.workers}) | ${answers.join(", ")} (after the runs at ${engines.map((row) => row.workers).join(", ")} workers) | ${within ? "yes" : "no"} |`);
  }
  return lines;
}

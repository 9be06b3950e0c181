// What operators read about the server's generation load and ask before sending a batch: how
// many decks and runs are generating or waiting, each budget's window and what the engine has
// measured; what a proposed { slides, maxWorkers } will do; and how many workers are useful for a
// slide count. Only aggregates: nothing here names another team's deck.
import type { Database } from "@/server/db";
import type { Engine } from "@/server/generation/engine";
import { clampWorkers } from "@/server/generation/engine-settings";
import { ACTIVE_RUN_STATUSES } from "@/server/generation/types";
import { MAX_SLIDES } from "./deck-input";
import { activeDeckRuns } from "./decks";
import { SLIDE_IMAGE_OWNER } from "./slides-pipeline";

export interface OperationsServices {
  db: Database;
  engine: Engine;
}

/** The budget slide images draw from. */
export const SLIDE_IMAGE_BUDGET = "image";
/** Recent slide images whose render time stands in for the latency while the engine reports none. */
const RECENT_IMAGES = 50;

export interface BudgetMeasurement {
  name: string;
  /** Calls allowed in flight at once (the setting). */
  cap: number;
  /** The adaptive window now: equal to the cap unless the provider pushed back. */
  window: number;
  inFlight: number;
  /** Calls per second the provider allows, as learned by the engine; null before it has learned one. */
  ratePerSecond: number | null;
  /** Seconds of one call; null without a measurement. */
  latencySeconds: number | null;
  /** Where latencySeconds comes from. */
  latencySource: "engine" | "recent-slide-images" | null;
}

export interface OperationsLimits {
  maxSlides: number;
  defaultWorkers: number;
  maxWorkers: number;
  maxConcurrentRuns: number;
}

function limitsOf(engine: Engine): OperationsLimits {
  const { settings } = engine;
  return { maxSlides: MAX_SLIDES, defaultWorkers: settings.defaultWorkers, maxWorkers: settings.maxWorkers, maxConcurrentRuns: settings.maxConcurrentRuns };
}

/** The median render time of the latest slide images, in seconds (it includes any wait for a slot). */
async function recentSlideImageSeconds(db: Database): Promise<number | null> {
  const images = await db.image.findMany({
    where: { ownerKind: SLIDE_IMAGE_OWNER },
    orderBy: { createdAt: "desc" },
    take: RECENT_IMAGES,
    select: { durationMs: true },
  });
  if (images.length === 0) return null;
  const sorted = images.map((image) => image.durationMs).sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return median / 1000;
}

/** Every budget's window and measurements, from engine.status(). */
export async function budgetMeasurements(services: OperationsServices): Promise<BudgetMeasurement[]> {
  const status = services.engine.status();
  const fallbackLatency = await recentSlideImageSeconds(services.db);
  return Object.keys(services.engine.settings.maxConcurrent).map((name) => {
    const imageFallback = name === SLIDE_IMAGE_BUDGET && fallbackLatency !== null;
    return {
      name,
      cap: services.engine.settings.maxConcurrent[name]!,
      window: status.windows[name] ?? services.engine.settings.maxConcurrent[name]!,
      inFlight: status.inFlight[name] ?? 0,
      ratePerSecond: null,
      latencySeconds: imageFallback ? fallbackLatency : null,
      latencySource: imageFallback ? "recent-slide-images" : null,
    };
  });
}

export async function activeCount(services: OperationsServices) {
  const decks = await services.db.slideDeck.findMany({ where: { lastRunId: { not: null } }, select: { id: true, lastRunId: true } });
  const active = await activeDeckRuns(services, decks);
  let generating = 0;
  let waiting = 0;
  let workersInUse = 0;
  for (const { runId, status } of active.values()) {
    if (status === "queued") {
      waiting += 1;
      continue;
    }
    generating += 1;
    const run = await services.engine.getRun(runId);
    if (run && ACTIVE_RUN_STATUSES.has(run.status)) {
      workersInUse += run.tasks.filter((task) => task.status === "running" || task.status === "retrying").length;
    }
  }
  const status = services.engine.status();
  return {
    decks: { generating, waiting },
    /** Runs of every workload (stories, personas, decks) share the runs-at-once limit. */
    runs: { active: status.activeRuns, waiting: status.waitingRuns },
    /** Slides of generating decks being worked on now (a prompt being written or an image rendered). */
    workersInUse,
    budgets: await budgetMeasurements(services),
    limits: limitsOf(services.engine),
  };
}

export interface WorkerRecommendation {
  workers: number;
  basis: "measured" | "default";
  /** r·L before the caps, when measured. */
  usefulWorkers: number | null;
  reason: string;
}

/**
 * Useful workers ≈ r·L: with a provider allowing r calls per second and each call taking L
 * seconds, r·L calls in flight keep it at its rate; more only wait (or meet 429s). Capped by the
 * maximum workers, the budget's cap and the slide count. Without a measured rate and latency,
 * the configured default.
 */
export function recommendWorkers(
  slides: number,
  measurement: Pick<BudgetMeasurement, "ratePerSecond" | "latencySeconds" | "cap">,
  limits: Pick<OperationsLimits, "defaultWorkers" | "maxWorkers">,
): WorkerRecommendation {
  const ceiling = Math.max(1, Math.min(limits.maxWorkers, measurement.cap, slides));
  const { ratePerSecond: rate, latencySeconds: latency } = measurement;
  if (rate === null || latency === null || !(rate > 0) || !(latency > 0)) {
    const missing = [rate === null || !(rate > 0) ? "a rate" : null, latency === null || !(latency > 0) ? "a latency" : null].filter(Boolean).join(" or ");
    return {
      workers: Math.min(limits.defaultWorkers, ceiling),
      basis: "default",
      usefulWorkers: null,
      reason: `The engine has not measured ${missing} for the image budget yet, so this is the configured default (BATCH_DEFAULT_WORKERS).`,
    };
  }
  const useful = rate * latency;
  const workers = Math.max(1, Math.min(Math.ceil(useful - 1e-9), ceiling));
  return {
    workers,
    basis: "measured",
    usefulWorkers: useful,
    reason: `${rate.toFixed(2)} calls/s × ${latency.toFixed(2)} s per image ≈ ${useful.toFixed(1)} useful workers${workers < Math.ceil(useful) ? `, capped at ${workers}` : ""}.`,
  };
}

function imageMeasurement(budgets: BudgetMeasurement[]): BudgetMeasurement {
  return budgets.find((budget) => budget.name === SLIDE_IMAGE_BUDGET) ?? budgets[0]!;
}

export async function optimalWorkers(services: OperationsServices, slides: number) {
  const budgets = await budgetMeasurements(services);
  const measurement = imageMeasurement(budgets);
  const limits = limitsOf(services.engine);
  return { slides, ...recommendWorkers(slides, measurement, limits), measurement, limits };
}

/** What a batch of `slides` at `maxWorkers` will meet if sent now. */
export async function validateConfiguration(services: OperationsServices, input: { slides: number; maxWorkers?: number }) {
  const limits = limitsOf(services.engine);
  const status = services.engine.status();
  const workers = clampWorkers(input.maxWorkers, services.engine.settings);
  const budgets = await budgetMeasurements(services);
  const measurement = imageMeasurement(budgets);
  const recommendation = recommendWorkers(input.slides, measurement, limits);
  const warnings: string[] = [];

  const clamped = input.maxWorkers !== undefined && workers !== input.maxWorkers;
  if (input.maxWorkers === undefined) warnings.push(`No max_workers given: the default of ${workers} applies.`);
  else if (clamped) warnings.push(`max_workers ${input.maxWorkers} is clamped to ${workers} (BATCH_MAX_WORKERS = ${limits.maxWorkers}).`);
  const overLimit = input.slides > limits.maxSlides;
  if (overLimit) warnings.push(`${input.slides} slides is over the limit of ${limits.maxSlides} slides per deck: the request would be refused.`);

  const startsNow = status.activeRuns < limits.maxConcurrentRuns && status.waitingRuns === 0;
  const position = startsNow ? null : status.waitingRuns + 1;
  if (!startsNow) {
    warnings.push(
      `${status.activeRuns} runs are generating (the most at once is BATCH_MAX_CONCURRENT = ${limits.maxConcurrentRuns}) and ${status.waitingRuns} wait: this deck would be number ${position} in line.`,
    );
  }

  const useful = recommendation.usefulWorkers;
  const likelyRateLimited = useful === null ? null : workers > Math.ceil(useful);
  if (likelyRateLimited) {
    warnings.push(
      `At the provider's learned rate of ${measurement.ratePerSecond!.toFixed(2)} images/s, about ${Math.ceil(useful!)} workers keep it busy; ${workers} will meet 429 rate limits (they wait and retry, so the deck is not faster).`,
    );
  }
  const effectiveWorkers = Math.min(workers, input.slides, useful === null ? workers : Math.max(1, Math.ceil(useful)));
  const estimatedSeconds =
    measurement.latencySeconds === null || input.slides === 0 ? null : Math.ceil(input.slides / Math.max(1, effectiveWorkers)) * measurement.latencySeconds;
  const timeoutMs = services.engine.settings.timeoutMs[SLIDE_IMAGE_BUDGET];
  if (measurement.latencySeconds !== null && timeoutMs !== undefined && measurement.latencySeconds * 1000 > timeoutMs * 0.8) {
    warnings.push(`Images take about ${measurement.latencySeconds.toFixed(0)} s, close to the ${timeoutMs / 1000} s timeout per attempt: expect timeouts (504s) and retries.`);
  }

  return {
    slides: input.slides,
    requestedWorkers: input.maxWorkers ?? null,
    workers,
    clamped,
    overSlideLimit: overLimit,
    queue: { startsNow, position, runsActive: status.activeRuns, runsWaiting: status.waitingRuns },
    rateLimit: { likely: likelyRateLimited, usefulWorkers: useful, recommendedWorkers: recommendation.workers, basis: recommendation.basis },
    estimatedSeconds,
    warnings,
    measurement,
    limits,
  };
}

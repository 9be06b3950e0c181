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

export interface OperationsServices {
  db: Database;
  engine: Engine;
}

/** The budget slide images draw from. */
export const SLIDE_IMAGE_BUDGET = "image";

/** One budget as the engine reports it (engine.status().budgets): its limits and what it has measured. */
export interface BudgetMeasurement {
  name: string;
  /** The provider model the budget's calls go to ("provider:model"). */
  identity: string;
  /** Calls allowed in flight at once (the setting). */
  cap: number;
  /** The adaptive window now: the calls in flight the engine allows the provider. */
  window: number;
  inFlight: number;
  /** Calls per second the engine paces to, learned from the provider; null while it steers by window. */
  ratePerSecond: number | null;
  /** Seconds of one call (the engine's measured round trip); null before the first answer. */
  latencySeconds: number | null;
  /** The window at the provider's last 429, or null when it never refused. */
  limitSeen: number | null;
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

/** Every budget's window and measurements, from engine.status(). */
export function budgetMeasurements(services: Pick<OperationsServices, "engine">): BudgetMeasurement[] {
  return Object.entries(services.engine.status().budgets).map(([name, budget]) => ({
    name,
    identity: budget.identity,
    cap: budget.cap,
    window: budget.window,
    inFlight: budget.inFlight,
    ratePerSecond: budget.ratePerSecond,
    latencySeconds: budget.roundTripMs === null ? null : budget.roundTripMs / 1000,
    limitSeen: budget.limitSeen,
  }));
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
    budgets: budgetMeasurements(services),
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
 * seconds, r·L calls in flight keep it at its rate; more only wait for the budget (or meet 429s
 * on a cold engine). The engine reports r when it paces by rate (fewer than a few calls per round
 * trip); above that it steers by a window of calls in flight, and once the provider has refused
 * (a 429), the window it sustains is r·L itself. Capped by the maximum workers, the budget's cap
 * and the slide count. Without a measured limit: the configured default.
 */
export function recommendWorkers(
  slides: number,
  measurement: Pick<BudgetMeasurement, "ratePerSecond" | "latencySeconds" | "limitSeen" | "window" | "cap">,
  limits: Pick<OperationsLimits, "defaultWorkers" | "maxWorkers">,
): WorkerRecommendation {
  const ceiling = Math.max(1, Math.min(limits.maxWorkers, measurement.cap, slides));
  const { ratePerSecond: rate, latencySeconds: latency } = measurement;
  const capped = (workers: number, useful: number) => (workers < Math.ceil(useful - 1e-9) ? `, capped at ${workers}` : "");
  if (rate !== null && rate > 0 && latency !== null && latency > 0) {
    const useful = rate * latency;
    const workers = Math.max(1, Math.min(Math.ceil(useful - 1e-9), ceiling));
    return {
      workers,
      basis: "measured",
      usefulWorkers: useful,
      reason: `${rate.toFixed(2)} calls/s × ${latency.toFixed(2)} s per image ≈ ${useful.toFixed(1)} useful workers${capped(workers, useful)}.`,
    };
  }
  if (measurement.limitSeen !== null && latency !== null && latency > 0) {
    const useful = Math.max(1, Math.floor(measurement.window));
    const workers = Math.min(useful, ceiling);
    return {
      workers,
      basis: "measured",
      usefulWorkers: useful,
      reason:
        `The provider refused calls at ${measurement.limitSeen.toFixed(1)} in flight; the engine sustains ${useful} ` +
        `(≈ ${(useful / latency).toFixed(2)} calls/s × ${latency.toFixed(2)} s per image)${capped(workers, useful)}.`,
    };
  }
  return {
    workers: Math.min(limits.defaultWorkers, ceiling),
    basis: "default",
    usefulWorkers: null,
    reason:
      latency === null
        ? "The engine has not measured the image budget yet (no image call has been answered), so this is the configured default (BATCH_DEFAULT_WORKERS)."
        : "The provider has not limited the image budget yet (no 429, no slow rate), so there is no measured limit: this is the configured default (BATCH_DEFAULT_WORKERS).",
  };
}

function imageMeasurement(budgets: BudgetMeasurement[]): BudgetMeasurement {
  return budgets.find((budget) => budget.name === SLIDE_IMAGE_BUDGET) ?? budgets[0]!;
}

export async function optimalWorkers(services: OperationsServices, slides: number) {
  const budgets = budgetMeasurements(services);
  const measurement = imageMeasurement(budgets);
  const limits = limitsOf(services.engine);
  return { slides, ...recommendWorkers(slides, measurement, limits), measurement, limits };
}

/** What a batch of `slides` at `maxWorkers` will meet if sent now. */
export async function validateConfiguration(services: OperationsServices, input: { slides: number; maxWorkers?: number }) {
  const limits = limitsOf(services.engine);
  const status = services.engine.status();
  const workers = clampWorkers(input.maxWorkers, services.engine.settings);
  const budgets = budgetMeasurements(services);
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
      `${status.activeRuns} ${status.activeRuns === 1 ? "run is" : "runs are"} generating (the most at once is BATCH_MAX_CONCURRENT = ${limits.maxConcurrentRuns}) and ${status.waitingRuns} ${status.waitingRuns === 1 ? "waits" : "wait"}: this deck would be number ${position} in line.`,
    );
  }

  const useful = recommendation.usefulWorkers;
  const likelyRateLimited = useful === null ? null : workers > Math.ceil(useful - 1e-9);
  if (likelyRateLimited && useful !== null && measurement.latencySeconds !== null) {
    const rate = measurement.ratePerSecond ?? useful / measurement.latencySeconds;
    warnings.push(
      `At the provider's learned limit (about ${rate.toFixed(2)} images/s, ${measurement.latencySeconds.toFixed(1)} s each), ` +
        `about ${Math.ceil(useful - 1e-9)} workers keep it busy: ${workers} would meet 429 rate limits. The engine's image budget holds ` +
        `the extra calls back instead (shared by every run generating), so they wait and the deck is no faster.`,
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

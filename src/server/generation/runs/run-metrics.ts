// The numbers stored on a run at its end, to see what the parallelism bought.
import type { RunMetrics } from "../types";

export interface RunTally {
  attempts: number;
  retries: number;
  rateLimited: number;
  taskMs: number;
  imageMs: number;
  images: number;
}

export function emptyTally(): RunTally {
  return { attempts: 0, retries: 0, rateLimited: 0, taskMs: 0, imageMs: 0, images: 0 };
}

export function runMetrics(tally: RunTally, startedAt: number | null, endedAt: number): RunMetrics {
  const wallMs = startedAt === null ? 0 : Math.max(0, endedAt - startedAt);
  return {
    wallMs,
    taskMs: tally.taskMs,
    speedUp: wallMs > 0 ? Math.round((tally.taskMs / wallMs) * 100) / 100 : 0,
    averageImageMs: tally.images > 0 ? Math.round(tally.imageMs / tally.images) : null,
    attempts: tally.attempts,
    retries: tally.retries,
    rateLimited: tally.rateLimited,
  };
}

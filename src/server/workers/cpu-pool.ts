// The app's CPU workers: the offline provider's answers and pictures, thumbnails, character card
// PNGs and deck exports are made in worker threads, so the request thread only schedules and
// streams. One worker per core but one, and at least one: the last core serves requests.
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import { ProviderError } from "@/server/providers/types";
import type { cpuJobs } from "./cpu-jobs";
import { createWorkerPool, WorkerCrashed, type WorkerPool } from "./worker-pool";

export type CpuJobs = typeof cpuJobs;
export type CpuPool = WorkerPool<CpuJobs>;

export function cpuWorkerCount(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * In the Next.js server the bundler builds the worker from the `new Worker(new URL(…))` below
 * (Turbopack bundles worker_threads entries written this way). Run from the TypeScript sources
 * (vitest, tsx) the worker loads its entry through tsx instead.
 */
export function spawnCpuWorker(): Worker {
  // Pictures are Buffers outside the JS heap; a deck export holds its pictures as base64 strings.
  // A small young generation: the worker's short-lived garbage (an SVG, a job's messages) is
  // collected often instead of being given room (V8's default let it take 30 MB more than it used).
  const options: WorkerOptions = { name: "storyforge-cpu", resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 8 } };
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./cpu-worker.ts", import.meta.url), options);
  const entry = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "cpu-worker.ts")).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export function createCpuPool(options: { size?: number; idleMs?: number } = {}): CpuPool {
  return createWorkerPool<CpuJobs>({ size: options.size ?? cpuWorkerCount(), spawn: spawnCpuWorker, idleMs: options.idleMs });
}

const globalForPool = globalThis as unknown as { storyforgeCpuPool?: CpuPool };

/** The process's CPU workers, started on first use (kept on globalThis across dev reloads). */
export function cpuPool(): CpuPool {
  globalForPool.storyforgeCpuPool ??= createCpuPool();
  return globalForPool.storyforgeCpuPool;
}

/**
 * Offline responders for the given request names that answer in the CPU workers (which know every
 * domain's responders, worker-responders.ts). A worker that dies mid-answer is a retryable error.
 */
export function respondInWorkers(names: Iterable<string>, pool: () => Pick<CpuPool, "run"> = cpuPool): OfflineResponders {
  const respond = (name: string) => async (messages: Parameters<OfflineResponders[string]>[0]) => {
    try {
      return await pool().run("offline-answer", { name, messages });
    } catch (error) {
      if (error instanceof WorkerCrashed) throw new ProviderError(error.message, { kind: "server", isRetryable: true, cause: error });
      throw error;
    }
  };
  return Object.fromEntries([...names].map((name) => [name, respond(name)]));
}

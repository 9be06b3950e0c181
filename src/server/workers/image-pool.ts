// The app's image workers: drawing and encoding pictures (the offline provider's scenes,
// thumbnails, character card PNGs, deck exports) in worker threads, so the request thread only schedules and
// streams. One worker per core but one, and at least one: the last core serves requests.
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { imageJobs } from "./image-jobs";
import { createWorkerPool, type WorkerPool } from "./worker-pool";

export type ImageJobs = typeof imageJobs;
export type ImagePool = WorkerPool<ImageJobs>;

export function imageWorkerCount(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * In the Next.js server the bundler builds the worker from the `new Worker(new URL(…))` below
 * (Turbopack bundles worker_threads entries written this way). Run from the TypeScript sources
 * (vitest, tsx) the worker loads its entry through tsx instead.
 */
export function spawnImageWorker(): Worker {
  // Pictures are Buffers outside the JS heap; a deck export holds its pictures as base64 strings.
  const options: WorkerOptions = { name: "storyforge-images", resourceLimits: { maxOldGenerationSizeMb: 512 } };
  if (process.env.NEXT_RUNTIME) return new Worker(new URL("./image-worker.ts", import.meta.url), options);
  const entry = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), "image-worker.ts")).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export function createImagePool(options: { size?: number; idleMs?: number } = {}): ImagePool {
  return createWorkerPool<ImageJobs>({ size: options.size ?? imageWorkerCount(), spawn: spawnImageWorker, idleMs: options.idleMs });
}

const globalForPool = globalThis as unknown as { storyforgeImagePool?: ImagePool };

/** The process's image workers, started on first use (kept on globalThis across dev reloads). */
export function imagePool(): ImagePool {
  globalForPool.storyforgeImagePool ??= createImagePool();
  return globalForPool.storyforgeImagePool;
}

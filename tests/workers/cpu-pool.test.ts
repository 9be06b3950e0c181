// The CPU workers: the same pictures as drawing them on the main thread, a pool that keeps to
// its size, and one that outlives a worker dying in the middle of a job.
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, test } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { buildAnalysisMessages, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import { respondOffline } from "@/server/providers/offline/offline-responders";
import { createOfflineImageModel } from "@/server/providers/offline/offline-image-model";
import { renderScene, type SceneDrawing } from "@/server/providers/offline/offline-scene";
import { ProviderError } from "@/server/providers/types";
import { createCpuPool, respondInWorkers } from "@/server/workers/cpu-pool";
import { WORKER_RESPONDERS } from "@/server/workers/worker-responders";
import { createWorkerPool, JobFailed, WorkerCrashed } from "@/server/workers/worker-pool";

const pool = createCpuPool({ size: 2 });
afterAll(() => pool.close());

const drawing = (index: number): SceneDrawing => ({
  prompt: `A quiet harbour town at dawn, mood: hopeful. Characters: Maren (red scarf, grey coat); Tobias (blue cap). Scene ${index}.`,
  title: `Scene ${index}`,
  seed: index,
  width: 1024,
  height: 1024,
});

/**
 * A stand-in worker (plain JavaScript, no TypeScript loader) speaking the pool's protocol: "echo"
 * answers with its input, "fail" throws, "crash" ends the worker's thread in the middle of the job.
 */
const STAND_IN = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ id, kind, input }) => {
  if (kind === "crash") process.exit(7);
  if (kind === "fail") return parentPort.postMessage({ id, ok: false, error: { name: "RangeError", message: "no such page" } });
  await new Promise((resolve) => setTimeout(resolve, 5));
  parentPort.postMessage({ id, ok: true, output: input });
});`;
type StandInJobs = { echo: (input: number) => number; fail: (input: null) => never; crash: (input: null) => never };
const standInPool = (size: number) => createWorkerPool<StandInJobs>({ size, spawn: () => new Worker(STAND_IN, { eval: true }) });

describe("CPU workers", () => {
  test("draw the same PNG bytes as drawing on the main thread, for the same request", async () => {
    const requests = [drawing(1), drawing(2), { ...drawing(3), width: 1792, height: 1024 }];
    const inWorkers = await Promise.all(requests.map((request) => pool.run("offline-image", request)));
    for (const [index, request] of requests.entries()) {
      const onMainThread = await renderScene(request);
      expect(Buffer.from(inWorkers[index]!).equals(onMainThread)).toBe(true);
    }
    // And the same again: rendering is deterministic wherever it happens.
    expect(Buffer.from(await pool.run("offline-image", requests[0]!)).equals(Buffer.from(inWorkers[0]!))).toBe(true);
  });

  test("the offline provider renders through the workers, with the bytes and sizes it always had", async () => {
    const model = createOfflineImageModel("offline-image", (scene, signal) => pool.run("offline-image", scene, { signal }));
    const result = await model.renderImage({ prompt: drawing(4).prompt, title: "Scene 4", seed: 4, size: "1792x1024" });
    expect([result.width, result.height]).toEqual([1792, 1024]);
    expect(result.png.equals(await renderScene({ ...drawing(4), width: 1792, height: 1024 }))).toBe(true);
  });

  test("answer the offline text model's requests exactly as the main thread does", async () => {
    const story = fs.readFileSync(path.join(import.meta.dirname, "../fixtures/stories/lighthouse-keeper.txt"), "utf8");
    const messages = buildAnalysisMessages({ story, sceneCount: 6, style: "watercolour" });
    const inWorkers = respondInWorkers([STORY_ANALYSIS], () => pool);
    const answer = await inWorkers[STORY_ANALYSIS]!(messages);
    expect(answer).toEqual(await respondOffline(OFFLINE_RESPONDERS, STORY_ANALYSIS, messages));
    expect(answer).toMatchObject({ scenes: expect.any(Array) });
    // A request the responder cannot read is declined there too (the model then samples the schema).
    expect(await inWorkers[STORY_ANALYSIS]!([{ role: "user", content: "hello" }])).toBeUndefined();
  });

  test("know every domain's offline requests", () => {
    expect(Object.keys(WORKER_RESPONDERS).sort()).toEqual(Object.keys(OFFLINE_RESPONDERS).sort());
  });

  test("never runs more workers than it is sized to", async () => {
    const pooled = standInPool(2);
    const peaks: number[] = [];
    const jobs = Array.from({ length: 12 }, (_, index) => pooled.run("echo", index).then((output) => (peaks.push(pooled.stats().workers), output)));
    expect(pooled.stats()).toMatchObject({ workers: 2, busy: 2, queued: 10 });
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 12 }, (_, index) => index));
    expect(Math.max(...peaks)).toBe(2);
    await pooled.close();
  });

  test("survives a worker that dies mid-job: that job fails with WorkerCrashed, the others complete on a new worker", async () => {
    const pooled = standInPool(1);
    const before = pooled.run("echo", 1);
    const crashed = pooled.run("crash", null);
    const after = [pooled.run("echo", 2), pooled.run("echo", 3)];
    expect(await before).toBe(1);
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashed);
    expect(await Promise.all(after)).toEqual([2, 3]);
    expect(pooled.stats()).toMatchObject({ crashes: 1, workers: 1 });
    await pooled.close();
  });

  test("a crashed render is a retryable provider error, so the engine draws it again", async () => {
    const pooled = standInPool(1);
    const model = createOfflineImageModel("offline-image", () => pooled.run("crash", null));
    const failure = await model.renderImage({ prompt: "a lighthouse", size: "1024x1024" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ isRetryable: true, kind: "server" });
    await pooled.close();
  });

  test("a job's own error comes back with its message; a job aborted while waiting never runs", async () => {
    const pooled = standInPool(1);
    await expect(pooled.run("fail", null)).rejects.toSatisfy((error) => error instanceof JobFailed && error.message === "no such page");
    const first = pooled.run("echo", 1);
    const abort = new AbortController();
    const waiting = pooled.run("echo", 2, { signal: abort.signal });
    abort.abort();
    await expect(waiting).rejects.toThrow();
    expect(await first).toBe(1);
    expect(pooled.stats()).toMatchObject({ queued: 0, completed: 2 });
    await pooled.close();
  });

  test("idle workers end after a while and start again for the next job", async () => {
    const pooled = createWorkerPool<StandInJobs>({ size: 1, idleMs: 20, spawn: () => new Worker(STAND_IN, { eval: true }) });
    expect(await pooled.run("echo", 5)).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(pooled.stats()).toMatchObject({ workers: 0, crashes: 0 });
    expect(await pooled.run("echo", 6)).toBe(6);
    await pooled.close();
  });
});

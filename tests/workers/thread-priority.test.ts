import fs from "node:fs";
import os from "node:os";
import { Worker } from "node:worker_threads";
import sharp from "sharp";
import { expect, test } from "vitest";
import { CPU_WORKER_NICE, lowerPriorityOfThreads } from "@/server/workers/thread-priority";

const linux = process.platform === "linux";

function threadsNamed(prefix: string): number[] {
  return fs
    .readdirSync("/proc/self/task")
    .filter((id) => fs.readFileSync(`/proc/self/task/${id}/comm`, "utf8").startsWith(prefix))
    .map(Number);
}

test.runIf(linux)("a thread that lowers its priority runs at the workers' nice value, and the others keep theirs", async () => {
  const source = `
    const { parentPort } = require("node:worker_threads");
    const fs = require("node:fs");
    const os = require("node:os");
    require(${JSON.stringify(require.resolve("tsx/cjs"))});
    const { lowerThreadPriority } = require(${JSON.stringify(new URL("../../src/server/workers/thread-priority.ts", import.meta.url).pathname)});
    const lowered = lowerThreadPriority();
    const threadId = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    parentPort.postMessage({ lowered, threadId, nice: os.getPriority(threadId) });
  `;
  const worker = new Worker(source, { eval: true });
  const reply = await new Promise<{ lowered: boolean; threadId: number; nice: number }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  expect(reply).toMatchObject({ lowered: true, nice: CPU_WORKER_NICE });
  expect(reply.threadId).not.toBe(process.pid);
  expect(os.getPriority(process.pid)).toBe(0);
});

test.runIf(linux)("the threads libvips starts for a picture are given the workers' nice value", async () => {
  await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } }).png().toBuffer();
  const libvips = threadsNamed("libvips");
  expect(libvips.length).toBeGreaterThan(0);
  lowerPriorityOfThreads("libvips");
  for (const threadId of libvips) expect(os.getPriority(threadId)).toBeGreaterThanOrEqual(CPU_WORKER_NICE);
  // Asked again, nothing is left to change.
  expect(lowerPriorityOfThreads("libvips")).toBe(0);
  expect(os.getPriority(process.pid)).toBe(0);
});

// Lowers the calling thread's CPU priority on Linux, where a thread has its own nice value.
// The CPU workers draw pictures and read stories for as long as the work lasts; the request
// thread answers pages, streams and health checks in milliseconds. On a machine with few cores
// both want the same core, and at equal priority the scheduler lets a long render hold it for a
// whole time slice while requests wait.
import fs from "node:fs";
import os from "node:os";

/** The nice value the CPU workers run at: the scheduler prefers any thread at the default 0. */
export const CPU_WORKER_NICE = 10;

/** Gives the calling thread the nice value; returns false where the platform has no per-thread priority. */
export function lowerThreadPriority(nice = CPU_WORKER_NICE): boolean {
  if (process.platform !== "linux") return false;
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>"; setpriority with a thread id sets that thread alone.
    const threadId = Number(fs.readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isInteger(threadId)) return false;
    os.setPriority(threadId, nice);
    return true;
  } catch {
    // Not permitted or not available: the worker keeps the default priority.
    return false;
  }
}

/**
 * Gives the nice value to every thread of this process whose name starts with `prefix` and runs
 * at a higher priority; returns how many it changed. libvips starts its own worker threads from
 * the libuv pool (at the default priority, whoever asked for the picture), and they do most of a
 * thumbnail's work.
 */
export function lowerPriorityOfThreads(prefix: string, nice = CPU_WORKER_NICE): number {
  if (process.platform !== "linux") return 0;
  let changed = 0;
  let threadIds: string[];
  try {
    threadIds = fs.readdirSync("/proc/self/task");
  } catch {
    return 0;
  }
  for (const threadId of threadIds) {
    try {
      if (!fs.readFileSync(`/proc/self/task/${threadId}/comm`, "utf8").startsWith(prefix)) continue;
      if (os.getPriority(Number(threadId)) >= nice) continue;
      os.setPriority(Number(threadId), nice);
      changed++;
    } catch {
      // The thread ended meanwhile, or this is not permitted: leave it.
    }
  }
  return changed;
}

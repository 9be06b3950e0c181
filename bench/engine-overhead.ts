// The engine's own CPU per task, without HTTP: the same N timer-only "provider calls" through a
// p-limit pool and through the engine (scheduling, limits, events, database writes). The
// difference divided by N is what the engine adds to each task. One pair of runs is noisy on a
// shared machine (the pool alone varies by ±50%), so pairs are repeated and the median reported.
import pLimit from "p-limit";
import { measure, settleGarbage } from "./measure";
import { engineStrategy, type BenchDatabase, type Call } from "./strategies";

const CAP = 20;
const LATENCY_MS = 5;

const timerCall: Call = (_index, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, LATENCY_MS);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export interface EngineOverhead {
  n: number;
  /** Medians over the repetitions. */
  poolMicroseconds: number;
  engineMicroseconds: number;
  perTaskMicroseconds: number;
  /** Each repetition's engine overhead per task, sorted. */
  perTaskSamples: number[];
}

export async function measureEngineOverhead(database: BenchDatabase, n: number, repetitions: number): Promise<EngineOverhead> {
  const settings = { maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP };
  // Warm-up of both paths.
  const limit = pLimit(CAP);
  await Promise.all(Array.from({ length: 500 }, (_, index) => limit(() => timerCall(index))));
  const warm = engineStrategy(database, timerCall, settings);
  await warm.run(500, () => {});
  await warm.shutdown();

  const pools: number[] = [];
  const engines: number[] = [];
  const perTask: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    await settleGarbage();
    const poolRun = await measure(() => Promise.all(Array.from({ length: n }, (_, index) => limit(() => timerCall(index)))));
    const engine = engineStrategy(database, timerCall, settings);
    await settleGarbage();
    const engineRun = await measure((stop) => engine.run(n, stop));
    await engine.shutdown();
    pools.push(poolRun.cpuMicroseconds);
    engines.push(engineRun.cpuMicroseconds);
    perTask.push((engineRun.cpuMicroseconds - poolRun.cpuMicroseconds) / n);
  }
  return {
    n,
    poolMicroseconds: median(pools),
    engineMicroseconds: median(engines),
    perTaskMicroseconds: median(perTask),
    perTaskSamples: perTask.sort((left, right) => left - right),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

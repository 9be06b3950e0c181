// The engine's own CPU per task, without HTTP: the same N timer-only "provider calls" through a
// p-limit pool and through the engine (scheduling, limits, events, database writes). The
// difference divided by N is what the engine adds to each task.
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

export async function measureEngineOverhead(database: BenchDatabase, n: number) {
  // Warm-up of both paths.
  const limit = pLimit(CAP);
  await Promise.all(Array.from({ length: 500 }, (_, index) => limit(() => timerCall(index))));
  const warm = engineStrategy(database, timerCall, { maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP });
  await warm.run(500, () => {});
  await warm.shutdown();

  await settleGarbage();
  const poolRun = await measure(() => Promise.all(Array.from({ length: n }, (_, index) => limit(() => timerCall(index)))));
  const engine = engineStrategy(database, timerCall, { maxConcurrent: { text: CAP, image: CAP }, maxWorkers: CAP });
  await settleGarbage();
  const engineRun = await measure((stop) => engine.run(n, stop));
  await engine.shutdown();
  return {
    n,
    poolMicroseconds: poolRun.cpuMicroseconds,
    engineMicroseconds: engineRun.cpuMicroseconds,
    perTaskMicroseconds: (engineRun.cpuMicroseconds - poolRun.cpuMicroseconds) / n,
  };
}

// Measuring one benchmark run: makespan, this process's CPU time, and peak resident memory.

export interface Measurement {
  makespanMs: number;
  cpuMicroseconds: number;
  peakRssBytes: number;
}

/** `work` returns when its run ended (the clock stops there), before any clean-up it returns. */
export async function measure<T>(work: (stop: () => void) => Promise<T>): Promise<Measurement & { result: T }> {
  let peakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 10);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  let stoppedAt: number | null = null;
  let cpu: NodeJS.CpuUsage | null = null;
  const stop = () => {
    if (stoppedAt !== null) return;
    stoppedAt = performance.now();
    cpu = process.cpuUsage(cpuBefore);
  };
  try {
    const result = await work(stop);
    stop();
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    const used = cpu as unknown as NodeJS.CpuUsage;
    return { result, makespanMs: stoppedAt! - startedAt, cpuMicroseconds: used.user + used.system, peakRssBytes };
  } finally {
    clearInterval(sampler);
  }
}

export async function settleGarbage(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

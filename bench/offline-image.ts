// How long the offline image provider takes per picture: it renders every image of the app when
// no real provider is configured, so a storyboard of many scenes waits on it. Target: well under
// 100 ms per image. Renders run one after another, in this process, after a warm-up.
import { createOfflineImageModel } from "@/server/providers/offline/offline-image-model";

export interface OfflineImageTiming {
  size: "1792x1024" | "1024x1024";
  renders: number;
  medianMs: number;
  p95Ms: number;
}

const RENDERS = 20;
const WARM_UP = 3;

export async function measureOfflineImages(): Promise<OfflineImageTiming[]> {
  const model = createOfflineImageModel();
  const timings: OfflineImageTiming[] = [];
  for (const size of ["1792x1024", "1024x1024"] as const) {
    const render = (index: number) =>
      model.renderImage({
        prompt: `A quiet harbour town at dawn, a girl in a red coat and an old fisherman, scene ${index}`,
        title: `Scene ${index}`,
        size,
        seed: index,
      });
    for (let index = 0; index < WARM_UP; index++) await render(index);
    const durations: number[] = [];
    for (let index = 0; index < RENDERS; index++) {
      const startedAt = performance.now();
      await render(WARM_UP + index);
      durations.push(performance.now() - startedAt);
    }
    durations.sort((left, right) => left - right);
    timings.push({ size, renders: RENDERS, medianMs: percentile(durations, 0.5), p95Ms: percentile(durations, 0.95) });
  }
  return timings;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

// The offline ImageModel: a scene drawn from the prompt (offline-scene.ts), rendered off the
// request thread by the app's CPU workers, so a storyboard of fifty scenes never stalls the
// pages and event streams of everyone else. Same request, same bytes, wherever it is drawn.
import { cpuPool } from "@/server/workers/cpu-pool";
import { WorkerCrashed } from "@/server/workers/worker-pool";
import { offlinePixelSize } from "../image-sizes";
import { ProviderError, type ImageModel, type RenderImageRequest, type RenderImageResult } from "../types";
import type { SceneDrawing } from "./offline-scene";

export { drawScene } from "./offline-scene";

/** Draws and encodes a scene; by default in the app's CPU workers. */
export type SceneRenderer = (drawing: SceneDrawing, signal?: AbortSignal) => Promise<Uint8Array>;

const inImageWorkers: SceneRenderer = (drawing, signal) => cpuPool().run("offline-image", drawing, { signal });

export function createOfflineImageModel(model = "offline-image", render: SceneRenderer = inImageWorkers): ImageModel {
  return {
    provider: "offline",
    model,
    async renderImage(request: RenderImageRequest): Promise<RenderImageResult> {
      const startedAt = performance.now();
      const aborted = () => new ProviderError("The offline provider's request was aborted", { kind: "aborted", isRetryable: false });
      if (request.signal?.aborted) throw aborted();
      const { width, height } = offlinePixelSize(request.size);
      const seed = request.seed ?? 0;
      let png: Buffer;
      try {
        const bytes = await render({ prompt: request.prompt, title: request.title, seed, width, height }, request.signal);
        png = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (request.signal?.aborted) throw aborted();
        // A worker that died takes its picture with it; another worker draws it on the next attempt.
        if (error instanceof WorkerCrashed) throw new ProviderError(error.message, { kind: "server", isRetryable: true, cause: error });
        throw error;
      }
      return {
        png,
        width,
        height,
        parameters: {
          provider: "offline",
          model,
          size: `${width}x${height}`,
          ...(request.quality ? { quality: request.quality } : {}),
          ...(request.style ? { style: request.style } : {}),
          prompt: request.prompt,
          ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
          seed,
        },
        durationMs: performance.now() - startedAt,
      };
    },
  };
}

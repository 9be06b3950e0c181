// An ImageModel over OpenAI's Images API (dall-e-3, gpt-image-1 and their kin).
import type OpenAI from "openai";
import type { ImageGenerateParamsNonStreaming } from "openai/resources/images";
import { composeImagePrompt } from "../image-prompt";
import { isGptImageModel, openAIImageQuality, openAIImageSize } from "../image-sizes";
import { toPng } from "../png";
import { toProviderError } from "../provider-errors";
import { readRateLimitHeaders } from "../rate-limit-headers";
import { fetchProviderImage } from "../safe-fetch";
import { ProviderError, type ImageModel, type RateLimitSnapshot, type RenderImageRequest, type RenderImageResult } from "../types";

export interface OpenAIImageModelOptions {
  client: OpenAI;
  model: string;
  baseURL: string;
  timeoutMs: number;
}

const DALL_E_STYLES = new Set(["vivid", "natural"]);

export function createOpenAIImageModel(options: OpenAIImageModelOptions): ImageModel {
  const { client, model, baseURL, timeoutMs } = options;
  const gptImage = isGptImageModel(model);

  return {
    provider: "openai",
    model,
    async renderImage(request: RenderImageRequest): Promise<RenderImageResult> {
      const startedAt = performance.now();
      const size = openAIImageSize(model, request.size);
      const quality = openAIImageQuality(model, request.quality);
      // dall-e-3's `style` takes only vivid | natural; any other style is described in the prompt.
      const styleParameter = !gptImage && request.style && DALL_E_STYLES.has(request.style) ? request.style : undefined;
      const prompt = composeImagePrompt(request.prompt, {
        style: styleParameter ? undefined : request.style,
        negativePrompt: request.negativePrompt,
      });
      const body = {
        model,
        prompt,
        n: 1,
        size,
        ...(quality ? { quality } : {}),
        ...(styleParameter ? { style: styleParameter } : {}),
        // gpt-image models always answer base64 and reject this parameter.
        ...(gptImage ? {} : { response_format: "b64_json" }),
      } as ImageGenerateParamsNonStreaming;

      const timeout = request.timeoutMs ?? timeoutMs;
      let image: Buffer;
      let revisedPrompt: string | undefined;
      let rateLimit: RateLimitSnapshot | undefined;
      try {
        // withResponse: the answer's headers carry the provider's rate-limit quotas.
        const { data: answer, response } = await client.images.generate(body, { signal: request.signal, timeout }).withResponse();
        rateLimit = readRateLimitHeaders(response.headers);
        const first = answer.data?.[0];
        revisedPrompt = first?.revised_prompt ?? undefined;
        if (first?.b64_json) image = Buffer.from(first.b64_json, "base64");
        else if (first?.url) image = await fetchProviderImage(first.url, { provider: "openai", baseUrl: baseURL, signal: request.signal, timeoutMs: timeout });
        else throw new ProviderError(`${model} answered without an image`, { kind: "invalid-output", isRetryable: false });
      } catch (error) {
        throw toProviderError(error, "openai");
      }

      const { png, width, height } = await toPng(image);
      return {
        png,
        width,
        height,
        revisedPrompt,
        parameters: {
          provider: "openai",
          model,
          size,
          ...(quality ? { quality } : {}),
          ...(styleParameter ? { style: styleParameter } : {}),
          // The negative prompt and a free-text style are already part of this prompt.
          prompt,
        },
        durationMs: performance.now() - startedAt,
        ...(rateLimit ? { rateLimit } : {}),
      };
    },
  };
}

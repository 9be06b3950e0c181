// An ImageModel over OpenRouter, which has no images endpoint: image models answer chat
// completions asked for `modalities: ["image", "text"]`, with the picture as a data URL in
// `message.images`.
import type OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { composeImagePrompt } from "../image-prompt";
import { openRouterAspectRatio } from "../image-sizes";
import { decodeDataUrl, toPng } from "../png";
import { toProviderError } from "../provider-errors";
import { readRateLimitHeaders } from "../rate-limit-headers";
import { fetchProviderImage } from "../safe-fetch";
import { ProviderError, type ImageModel, type RateLimitSnapshot, type RenderImageRequest, type RenderImageResult } from "../types";

export interface OpenRouterImageModelOptions {
  client: OpenAI;
  model: string;
  baseURL: string;
  timeoutMs: number;
}

/** The parts of an OpenRouter chat answer the SDK's types do not know about. */
interface OpenRouterImageMessage {
  content?: string | null;
  images?: Array<{ type?: string; image_url?: { url?: string } }>;
}

export function createOpenRouterImageModel(options: OpenRouterImageModelOptions): ImageModel {
  const { client, model, baseURL, timeoutMs } = options;

  return {
    provider: "openrouter",
    model,
    async renderImage(request: RenderImageRequest): Promise<RenderImageResult> {
      const startedAt = performance.now();
      const aspectRatio = openRouterAspectRatio(request.size);
      const prompt = composeImagePrompt(request.prompt, { style: request.style, negativePrompt: request.negativePrompt });
      const body = {
        model,
        messages: [{ role: "user", content: prompt }],
        modalities: ["image", "text"],
        image_config: { aspect_ratio: aspectRatio },
        ...(request.seed === undefined ? {} : { seed: request.seed }),
      } as unknown as ChatCompletionCreateParamsNonStreaming;

      const timeout = request.timeoutMs ?? timeoutMs;
      let image: Buffer;
      let rateLimit: RateLimitSnapshot | undefined;
      try {
        // withResponse: the answer's headers carry the provider's rate-limit quotas, when it sends them.
        const { data: completion, response } = await client.chat.completions.create(body, { signal: request.signal, timeout }).withResponse();
        rateLimit = readRateLimitHeaders(response.headers);
        const message = completion.choices[0]?.message as OpenRouterImageMessage | undefined;
        const url = message?.images?.[0]?.image_url?.url;
        if (!url) {
          throw new ProviderError(`${model} answered without an image${message?.content ? `: ${message.content.slice(0, 200)}` : ""}`, {
            kind: "invalid-output",
            isRetryable: false,
          });
        }
        image = decodeDataUrl(url) ?? (await fetchProviderImage(url, { provider: "openrouter", baseUrl: baseURL, signal: request.signal, timeoutMs: timeout }));
      } catch (error) {
        throw toProviderError(error, "openrouter");
      }

      const { png, width, height } = await toPng(image);
      return {
        png,
        width,
        height,
        parameters: {
          provider: "openrouter",
          model,
          size: aspectRatio,
          prompt,
          ...(request.seed === undefined ? {} : { seed: request.seed }),
        },
        durationMs: performance.now() - startedAt,
        ...(rateLimit ? { rateLimit } : {}),
      };
    },
  };
}

// The one place that reads GENERATION_PROVIDER and the model settings and builds the Providers
// bundle. Nothing else in the app branches on the provider's name. The process's own bundle is
// built by the composition root (src/server/app-services.ts), which knows the domains.
import type { Env } from "../env";
import { createOfflineImageModel } from "./offline/offline-image-model";
import type { OfflineResponders } from "./offline/offline-responders";
import { createOfflineTextModel } from "./offline/offline-text-model";
import { createChatTextModel } from "./openai/chat-text-model";
import { createOpenAIClient } from "./openai/openai-client";
import { createOpenAIImageModel } from "./openai/openai-image-model";
import { createOpenRouterImageModel } from "./openrouter/openrouter-image-model";
import type { Providers } from "./types";

export type ProviderSettings = Pick<
  Env,
  | "GENERATION_PROVIDER"
  | "OPENAI_API_KEY"
  | "OPENAI_BASE_URL"
  | "OPENROUTER_API_KEY"
  | "OPENROUTER_BASE_URL"
  | "TEXT_MODEL"
  | "IMAGE_MODEL"
  | "VISION_MODEL"
  | "LLM_TIMEOUT_SECONDS"
  | "IMAGE_TIMEOUT_SECONDS"
> &
  Partial<Pick<Env, "BETTER_AUTH_URL">>;

export const DEFAULT_MODELS = {
  openai: { text: "gpt-4o-mini", image: "dall-e-3", vision: "gpt-4o-mini" },
  openrouter: { text: "openai/gpt-4o-mini", image: "google/gemini-2.5-flash-image-preview", vision: "openai/gpt-4o-mini" },
} as const;

/** Images take far longer than text; without IMAGE_TIMEOUT_SECONDS they get at least 3 minutes. */
const MINIMUM_DEFAULT_IMAGE_TIMEOUT_SECONDS = 180;

export interface ProviderOptions {
  /** Every domain's offline answers, by request name; without them the offline model answers with schema samples. */
  offlineResponders?: OfflineResponders;
}

export function createProviders(settings: ProviderSettings, options: ProviderOptions = {}): Providers {
  const textTimeoutMs = settings.LLM_TIMEOUT_SECONDS * 1000;
  const imageTimeoutMs = (settings.IMAGE_TIMEOUT_SECONDS ?? Math.max(settings.LLM_TIMEOUT_SECONDS, MINIMUM_DEFAULT_IMAGE_TIMEOUT_SECONDS)) * 1000;

  switch (settings.GENERATION_PROVIDER) {
    case "offline":
      return {
        name: "offline",
        text: createOfflineTextModel("offline-text", options.offlineResponders),
        vision: createOfflineTextModel("offline-vision", options.offlineResponders),
        image: createOfflineImageModel("offline-image"),
      };
    case "openai": {
      const apiKey = required(settings.OPENAI_API_KEY, "OPENAI_API_KEY", "openai");
      const baseURL = settings.OPENAI_BASE_URL;
      const client = createOpenAIClient({ apiKey, baseURL, timeoutMs: textTimeoutMs });
      const defaults = DEFAULT_MODELS.openai;
      return {
        name: "openai",
        text: createChatTextModel({ client, provider: "openai", model: settings.TEXT_MODEL ?? defaults.text, timeoutMs: textTimeoutMs }),
        vision: createChatTextModel({ client, provider: "openai", model: settings.VISION_MODEL ?? defaults.vision, timeoutMs: textTimeoutMs }),
        image: createOpenAIImageModel({ client, model: settings.IMAGE_MODEL ?? defaults.image, baseURL, timeoutMs: imageTimeoutMs }),
      };
    }
    case "openrouter": {
      const apiKey = required(settings.OPENROUTER_API_KEY, "OPENROUTER_API_KEY", "openrouter");
      const baseURL = settings.OPENROUTER_BASE_URL;
      // OpenRouter attributes requests to an app by these two headers; the referer is the app's own URL.
      const defaultHeaders = { "HTTP-Referer": settings.BETTER_AUTH_URL ?? "http://localhost", "X-Title": "Storyforge" };
      const client = createOpenAIClient({ apiKey, baseURL, timeoutMs: textTimeoutMs, defaultHeaders });
      const defaults = DEFAULT_MODELS.openrouter;
      const textModel = settings.TEXT_MODEL ?? defaults.text;
      return {
        name: "openrouter",
        text: createChatTextModel({ client, provider: "openrouter", model: textModel, timeoutMs: textTimeoutMs }),
        // OpenRouter's default text model reads images too, so vision follows TEXT_MODEL unless set.
        vision: createChatTextModel({ client, provider: "openrouter", model: settings.VISION_MODEL ?? textModel, timeoutMs: textTimeoutMs }),
        image: createOpenRouterImageModel({ client, model: settings.IMAGE_MODEL ?? defaults.image, baseURL, timeoutMs: imageTimeoutMs }),
      };
    }
  }
}

function required(value: string | undefined, name: string, provider: string): string {
  // env() already refuses this combination; this guards callers that build settings by hand.
  if (!value) throw new Error(`${name} is required when GENERATION_PROVIDER=${provider}`);
  return value;
}

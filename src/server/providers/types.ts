// The two small model interfaces every feature and the engine call. Providers never retry:
// they classify their errors (ProviderError.isRetryable, retryAfterMs) and the engine decides.
import type { z } from "zod";

export type ProviderName = "offline" | "openai" | "openrouter";

export interface ChatMessage {
  role: "system" | "user";
  content: string;
  /** Input images for vision models, as data URLs or provider-reachable URLs. */
  images?: string[];
}

/**
 * One of a provider's quotas as its rate-limit headers describe it (OpenAI's x-ratelimit-limit-*,
 * x-ratelimit-remaining-*, x-ratelimit-reset-*), as of when the provider counted the call.
 */
export interface RateLimitQuota {
  limit: number;
  remaining: number;
  /** Until the quota is full again, in milliseconds. */
  resetMs: number;
}

/** What a provider's answer said about its rate limits; absent when it sent no such headers. */
export interface RateLimitSnapshot {
  requests?: RateLimitQuota;
  tokens?: RateLimitQuota;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateObjectRequest<Schema extends z.ZodType> {
  /** A short name for the object, sent as the JSON schema's name (letters, digits, _ and -). */
  name: string;
  schema: Schema;
  messages: ChatMessage[];
  temperature?: number;
  signal?: AbortSignal;
  /** Overrides the configured timeout for this call, in milliseconds. */
  timeoutMs?: number;
}

export interface GenerateObjectResult<T> {
  object: T;
  model: string;
  usage: Usage;
  durationMs: number;
  /** True when the first answer failed validation and the repair attempt succeeded. */
  repaired: boolean;
  /** The provider's rate-limit headers on the (last) answer, when it sent them. */
  rateLimit?: RateLimitSnapshot;
}

export interface TextModel {
  readonly provider: ProviderName;
  readonly model: string;
  generateObject<Schema extends z.ZodType>(
    request: GenerateObjectRequest<Schema>,
  ): Promise<GenerateObjectResult<z.infer<Schema>>>;
}

export const IMAGE_SIZES = ["1024x1024", "1792x1024", "1024x1792"] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];
export const ASPECT_RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export interface RenderImageRequest {
  prompt: string;
  negativePrompt?: string;
  /** A pixel size, or an aspect ratio that each provider maps to its nearest supported size. */
  size: ImageSize | AspectRatio;
  quality?: "standard" | "hd";
  style?: string;
  seed?: number;
  /** The scene or slide title; the offline provider draws it as a caption, real providers ignore it. */
  title?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RenderImageResult {
  png: Buffer;
  width: number;
  height: number;
  revisedPrompt?: string;
  /** Exactly what was sent to the provider, stored so the image can be reproduced. */
  parameters: {
    provider: ProviderName;
    model: string;
    size: string;
    quality?: string;
    style?: string;
    prompt: string;
    negativePrompt?: string;
    seed?: number;
  };
  durationMs: number;
  /** The provider's rate-limit headers on the answer, when it sent them. */
  rateLimit?: RateLimitSnapshot;
}

export interface ImageModel {
  readonly provider: ProviderName;
  readonly model: string;
  renderImage(request: RenderImageRequest): Promise<RenderImageResult>;
}

export interface Providers {
  name: ProviderName;
  text: TextModel;
  vision: TextModel;
  image: ImageModel;
}

export type ProviderErrorKind =
  | "rate-limit" // 429, or OpenRouter's 402 with Retry-After
  | "server" // 5xx
  | "timeout"
  | "connection"
  | "conflict" // 408, 409
  | "bad-request" // other 4xx
  | "auth" // 401, 403
  | "invalid-output" // unparseable or schema-violating answer after the repair attempt
  | "aborted";

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly isRetryable: boolean;
  /** The server's requested delay (retry-after-ms or Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** The provider's rate-limit headers on the error answer, when it sent them. */
  readonly rateLimit?: RateLimitSnapshot;

  constructor(
    message: string,
    options: {
      kind: ProviderErrorKind;
      status?: number;
      isRetryable: boolean;
      retryAfterMs?: number;
      rateLimit?: RateLimitSnapshot;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = options.kind;
    this.status = options.status;
    this.isRetryable = options.isRetryable;
    this.retryAfterMs = options.retryAfterMs;
    if (options.rateLimit) this.rateLimit = options.rateLimit;
  }
}

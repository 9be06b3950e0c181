// The one way the app constructs the openai SDK client, for OpenAI and for OpenRouter alike.
import OpenAI from "openai";

export interface OpenAIClientOptions {
  apiKey: string;
  baseURL: string;
  /** Default per-request timeout in milliseconds; each call may pass its own. */
  timeoutMs: number;
  defaultHeaders?: Record<string, string>;
}

export function createOpenAIClient(options: OpenAIClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    // The engine owns retries: SDK retries would sleep inside a concurrency slot and hide 429s
    // from the engine's rate adaptation.
    maxRetries: 0,
    timeout: options.timeoutMs,
    defaultHeaders: options.defaultHeaders,
  });
}

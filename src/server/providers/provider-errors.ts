// Turns whatever the openai SDK (or fetch) throws into a ProviderError that says what happened and
// whether trying again can help. The engine's retry policy reads only ProviderError.
import OpenAI from "openai";
import { readRateLimitHeaders } from "./rate-limit-headers";
import { ProviderError, type ProviderName } from "./types";

/**
 * The delay a server asked for: `retry-after-ms` (milliseconds) wins over `Retry-After`
 * (whole seconds or an HTTP date). Undefined when neither is present or readable.
 */
export function retryAfterFromHeaders(headers: Headers | undefined, nowMs: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null || retryAfter.trim() === "") return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Classifies an error from a provider call. A ProviderError passes through unchanged. */
export function toProviderError(error: unknown, provider: ProviderName): ProviderError {
  if (error instanceof ProviderError) return error;
  const label = providerLabel(provider);

  // Order matters: the abort and timeout classes are subclasses of APIConnectionError, which is
  // a subclass of APIError.
  if (error instanceof OpenAI.APIUserAbortError || isAbortError(error)) {
    return new ProviderError(`${label} request was aborted`, { kind: "aborted", isRetryable: false, cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError || isTimeoutError(error)) {
    return new ProviderError(`${label} request timed out`, { kind: "timeout", isRetryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProviderError(`${label} could not be reached: ${error.message}`, { kind: "connection", isRetryable: true, cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    return fromStatus(error.status, error.headers, messageOf(error), provider, error);
  }
  if (error instanceof TypeError && /fetch failed|ECONNREFUSED|ECONNRESET|socket/i.test(`${error.message} ${String(error.cause)}`)) {
    return new ProviderError(`${label} could not be reached: ${error.message}`, { kind: "connection", isRetryable: true, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  // Unknown failures are not retried: repeating a bug costs money and hides it.
  return new ProviderError(`${label} call failed: ${message}`, { kind: "bad-request", isRetryable: false, cause: error });
}

/** Classifies an HTTP status the way toProviderError does; also used for plain fetch answers. */
export function fromStatus(
  status: number,
  headers: Headers | undefined,
  detail: string,
  provider: ProviderName,
  cause?: unknown,
): ProviderError {
  const label = providerLabel(provider);
  const retryAfterMs = retryAfterFromHeaders(headers);
  // The quota headers come with errors too; a 429's say when the quota refills.
  const rateLimit = readRateLimitHeaders(headers);
  const message = `${label} answered ${status}${detail ? `: ${detail}` : ""}`;
  if (status === 429) {
    return new ProviderError(message, { kind: "rate-limit", status, isRetryable: true, retryAfterMs, rateLimit, cause });
  }
  // OpenRouter answers 402 with Retry-After when a low balance meets too many requests in flight;
  // without Retry-After a 402 means the account is out of credit, and waiting will not fix it.
  if (status === 402 && provider === "openrouter" && retryAfterMs !== undefined) {
    return new ProviderError(message, { kind: "rate-limit", status, isRetryable: true, retryAfterMs, rateLimit, cause });
  }
  if (status === 408 || status === 409) {
    return new ProviderError(message, { kind: "conflict", status, isRetryable: true, retryAfterMs, rateLimit, cause });
  }
  if (status >= 500) {
    return new ProviderError(message, { kind: "server", status, isRetryable: true, retryAfterMs, rateLimit, cause });
  }
  if (status === 401 || status === 403) {
    return new ProviderError(message, { kind: "auth", status, isRetryable: false, rateLimit, cause });
  }
  return new ProviderError(message, { kind: "bad-request", status, isRetryable: false, rateLimit, cause });
}

function providerLabel(provider: ProviderName): string {
  return provider === "openai" ? "OpenAI" : provider === "openrouter" ? "OpenRouter" : "The offline provider";
}

function messageOf(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === "string") return body.message;
  return error.message;
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}

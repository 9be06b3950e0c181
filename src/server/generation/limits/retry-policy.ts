// Which failures are retried, and how long to wait before the next attempt.
import { ProviderError } from "@/server/providers/types";

export interface RetrySettings {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Full-jitter exponential backoff (a random delay up to base·2^(attempt-1), capped), but never
 * earlier than the server asked for with Retry-After.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, settings: RetrySettings, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.max(jittered, Math.ceil(retryAfterMs ?? 0));
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ProviderError && error.isRetryable;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

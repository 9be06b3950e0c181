// One provider call under the engine's rules: a slot from the global budget for its kind, a
// timeout per attempt, and retries with backoff. The slot is held only while a request is in
// flight, never while sleeping before a retry, so a backoff never starves other tasks.
import { ProviderError } from "@/server/providers/types";
import type { AdaptiveConcurrency } from "./adaptive-concurrency";
import type { Clock } from "./clock";
import { describeError, retryDelayMs, type RetrySettings } from "./retry-policy";
import type { ProviderCall } from "./types";

export interface AttemptFailure {
  attempt: number;
  error: unknown;
  reason: string;
  status: number | null;
  rateLimited: boolean;
}

export interface ProviderCallOptions<T> {
  call: ProviderCall<T>;
  budget: AdaptiveConcurrency;
  /** The task's signal: cancellation and shutdown. */
  signal: AbortSignal;
  timeoutMs: number;
  retry: RetrySettings;
  clock: Clock;
  random: () => number;
  /** Numbers attempts across all calls of the task. */
  nextAttempt(): number;
  onRetry(failure: AttemptFailure, delayMs: number): void;
  onFailure(failure: AttemptFailure): void;
}

export async function callProvider<T>(options: ProviderCallOptions<T>): Promise<T> {
  const { budget, signal, retry } = options;
  for (let callAttempt = 1; ; callAttempt++) {
    await budget.limiter.acquire(signal);
    const attempt = options.nextAttempt();
    const startedAt = options.clock.now();
    let caught: unknown;
    try {
      const result = await attemptWithTimeout(options.call, attempt, signal, options.timeoutMs);
      budget.succeeded(startedAt);
      return result;
    } catch (error) {
      caught = error;
    } finally {
      budget.limiter.release();
    }
    if (signal.aborted) throw signal.reason;
    const failure = describeFailure(caught, attempt);
    const retryAfterMs = caught instanceof ProviderError ? caught.retryAfterMs : undefined;
    if (failure.rateLimited) budget.rateLimited(startedAt, retryAfterMs);
    const retryable = caught instanceof ProviderError && caught.isRetryable;
    if (!retryable || callAttempt >= retry.maxAttempts) {
      options.onFailure(failure);
      throw caught;
    }
    const delayMs = retryDelayMs(callAttempt, retryAfterMs, retry, options.random);
    options.onRetry(failure, delayMs);
    await options.clock.sleep(delayMs, signal);
  }
}

class AttemptTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`The provider did not answer within ${timeoutMs} ms`);
    this.name = "AttemptTimeout";
  }
}

/**
 * Races the call against the attempt's deadline and the task's signal, so a provider that ignores
 * its signal still gives the slot back on time.
 */
function attemptWithTimeout<T>(call: ProviderCall<T>, attempt: number, taskSignal: AbortSignal, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const timeout = new AttemptTimeout(timeoutMs);
      controller.abort(timeout);
      finish();
      reject(new ProviderError(timeout.message, { kind: "timeout", isRetryable: true, cause: timeout }));
    }, timeoutMs);
    const onAbort = () => {
      controller.abort(taskSignal.reason);
      finish();
      reject(taskSignal.reason);
    };
    const finish = () => {
      clearTimeout(timer);
      taskSignal.removeEventListener("abort", onAbort);
    };
    taskSignal.addEventListener("abort", onAbort, { once: true });
    let pending: Promise<T>;
    try {
      pending = call(controller.signal, attempt);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        // After a timeout the provider reports the abort; the timeout error has been given already.
        if (controller.signal.aborted && controller.signal.reason instanceof AttemptTimeout) return;
        reject(error);
      },
    );
  });
}

function describeFailure(error: unknown, attempt: number): AttemptFailure {
  if (error instanceof ProviderError) {
    return {
      attempt,
      error,
      reason: `${error.kind}: ${error.message}`,
      status: error.status ?? null,
      rateLimited: error.kind === "rate-limit",
    };
  }
  return { attempt, error, reason: describeError(error), status: null, rateLimited: false };
}

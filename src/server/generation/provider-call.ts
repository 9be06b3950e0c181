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
  return new Promise<T>((resolve, reject) => {
    const guard = new AttemptGuard(taskSignal, timeoutMs, reject);
    let pending: Promise<T>;
    try {
      pending = call(guard.controller.signal, attempt);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        guard.finish();
        resolve(value);
      },
      (error: unknown) => {
        guard.finish();
        // After a timeout the provider reports the abort; the timeout error has been given already.
        if (!guard.timedOut) reject(error);
      },
    );
  });
}

/**
 * One attempt's deadline and its link to the task's signal. It is the task signal's abort
 * listener itself (handleEvent) and its timer's argument, so an attempt costs no closures here:
 * there is one per provider call, thousands a second.
 */
class AttemptGuard {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly taskSignal: AbortSignal,
    private readonly timeoutMs: number,
    private readonly reject: (error: unknown) => void,
  ) {
    this.timer = setTimeout(expire, timeoutMs, this);
    taskSignal.addEventListener("abort", this);
  }

  /** The task's signal aborted: cancellation or shutdown. */
  handleEvent(): void {
    this.controller.abort(this.taskSignal.reason);
    this.finish();
    this.reject(this.taskSignal.reason);
  }

  expire(): void {
    const timeout = new AttemptTimeout(this.timeoutMs);
    this.timedOut = true;
    this.controller.abort(timeout);
    this.finish();
    this.reject(new ProviderError(timeout.message, { kind: "timeout", isRetryable: true, cause: timeout }));
  }

  finish(): void {
    clearTimeout(this.timer);
    this.taskSignal.removeEventListener("abort", this);
  }
}

function expire(guard: AttemptGuard): void {
  guard.expire();
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

// One provider call under the engine's rules: a slot from the global budget for its kind, a
// timeout per attempt, and retries with backoff. The slot is held only while a request is in
// flight, never while sleeping before a retry, so a backoff never starves other tasks.
//
// A refusal for rate limiting (429, OpenRouter's 402 with Retry-After) is a wait, not a failure:
// it spends none of the attempts, which count server errors, timeouts and malformed answers. The
// call tries again once the Retry-After has passed (the budget holds every call of its kind until
// then) and gives up only after `maxRateLimitWaitMs` of being refused.
import type { RateLimitSnapshot } from "@/server/providers/types";
import { ProviderError } from "@/server/providers/types";
import type { AdaptiveConcurrency } from "./adaptive-concurrency";
import type { Clock } from "../clock";
import { describeError, retryDelayMs, type RetrySettings } from "./retry-policy";
import type { ProviderCall } from "../types";

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
  /** How long the call may keep being refused for rate limiting, from its first refusal. */
  maxRateLimitWaitMs: number;
  clock: Clock;
  random: () => number;
  /** Numbers attempts across all calls of the task. */
  nextAttempt(): number;
  onRetry(failure: AttemptFailure, delayMs: number): void;
  /** The provider refused the attempt for rate limiting; the next try is in `delayMs`. */
  onWait(failure: AttemptFailure, delayMs: number): void;
  onFailure(failure: AttemptFailure): void;
}

export async function callProvider<T>(options: ProviderCallOptions<T>): Promise<T> {
  const { budget, signal, retry, clock } = options;
  let failures = 0;
  let refusals = 0;
  let firstRefusedAt: number | null = null;
  for (;;) {
    if (budget.loading) await budget.loading;
    const waited = await budget.limiter.acquire(signal);
    let attempt = 0;
    let startedAt = 0;
    let caught: unknown;
    try {
      // A Retry-After, or a quota the provider's headers say is empty, may have arrived since the
      // limiter let this call in: sending now would only be refused.
      for (let holdMs = budget.holdMs(); holdMs > 0; holdMs = budget.holdMs()) await clock.sleep(holdMs, signal);
      attempt = options.nextAttempt();
      // Sent at once into a window with room: the provider sees the callers' pace, not the budget's.
      startedAt = budget.sending(!waited && !budget.limiter.full);
      const result = await attemptWithTimeout(options.call, attempt, signal, options.timeoutMs);
      budget.succeeded(startedAt, rateLimitOf(result));
      return result;
    } catch (error) {
      caught = error;
      // Before the slot is released: a Retry-After must hold the calls the release lets in.
      if (attempt > 0 && !signal.aborted) learnFrom(budget, error, startedAt);
    } finally {
      budget.limiter.release();
    }
    if (signal.aborted) throw signal.reason;
    const failure = describeFailure(caught, attempt);
    const retryAfterMs = caught instanceof ProviderError ? caught.retryAfterMs : undefined;
    if (failure.rateLimited && caught instanceof ProviderError && caught.isRetryable) {
      const now = clock.now();
      firstRefusedAt ??= now;
      refusals++;
      if (now - firstRefusedAt >= options.maxRateLimitWaitMs) {
        options.onFailure(failure);
        throw rateLimitGiveUp(caught, now - firstRefusedAt, refusals);
      }
      // Without a Retry-After, back off as for a failure, by the count of refusals.
      const delayMs = Math.max(retryAfterMs ?? retryDelayMs(refusals, undefined, retry, options.random), budget.holdMs());
      options.onWait(failure, delayMs);
      await clock.sleep(delayMs, signal);
      continue;
    }
    failures++;
    const retryable = caught instanceof ProviderError && caught.isRetryable;
    if (!retryable || failures >= retry.maxAttempts) {
      options.onFailure(failure);
      throw caught;
    }
    const delayMs = retryDelayMs(failures, retryAfterMs, retry, options.random);
    options.onRetry(failure, delayMs);
    await clock.sleep(delayMs, signal);
  }
}

/** The provider's rate-limit headers on a result, read generically: any result may carry them. */
function rateLimitOf(result: unknown): RateLimitSnapshot | undefined {
  if (typeof result !== "object" || result === null || !("rateLimit" in result)) return undefined;
  const rateLimit = (result as { rateLimit?: unknown }).rateLimit;
  return typeof rateLimit === "object" && rateLimit !== null ? (rateLimit as RateLimitSnapshot) : undefined;
}

function learnFrom(budget: AdaptiveConcurrency, error: unknown, startedAt: number): void {
  if (!(error instanceof ProviderError)) return;
  if (error.kind === "rate-limit") budget.rateLimited(startedAt, error.retryAfterMs, error.rateLimit);
  else budget.failed(startedAt, error.rateLimit);
}

function rateLimitGiveUp(error: ProviderError, waitedMs: number, refusals: number): ProviderError {
  const seconds = Math.round(waitedMs / 1000);
  return new ProviderError(
    `Gave up waiting for the provider's rate limit: refused ${refusals} times over ${seconds} s (the most RATE_LIMIT_MAX_WAIT_SECONDS allows). Last answer: ${error.message}`,
    { kind: "rate-limit", status: error.status, isRetryable: false, retryAfterMs: error.retryAfterMs, cause: error },
  );
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

// A counting semaphore with a FIFO line and a limit that can change while it is in use (the
// adaptive controller lowers and raises it). Lowering never interrupts holders; it only makes
// newcomers wait until enough slots are released.

/** How late a timer may fire and still count as on time. */
const TIMER_SLACK_MS = 2;

interface Waiter {
  resolve: (waited: boolean) => void;
  reject: (reason: unknown) => void;
  settled: boolean;
}

export interface Limiter {
  /**
   * Resolves once a slot is held, with whether the caller had to wait in line for it; rejects
   * with the signal's reason if it aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<boolean>;
  release(): void;
  setLimit(limit: number): void;
  /** Lets nobody in before `until` (a clock time); holders keep their slots. */
  pauseUntil(until: number): void;
  /** Spaces admissions at least `gapMs` apart (0: none), so a burst of free slots goes out as a stream. */
  setPacing(gapMs: number): void;
  readonly gapMs: number;
  readonly limit: number;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(initialLimit: number, now: () => number = Date.now): Limiter {
  assertLimit(initialLimit);
  let limit = initialLimit;
  let active = 0;
  let waiting = 0;
  let gapMs = 0;
  /** Nobody is let in before this time: the end of a pause, or the next paced admission. */
  let notBefore = 0;
  let resumeTimer: NodeJS.Timeout | null = null;
  // An array with a moving head: shifting a long array on every release would cost O(n).
  let line: Waiter[] = [];
  let head = 0;

  const held = () => {
    if (notBefore === 0) return false;
    const remaining = notBefore - now();
    if (remaining <= 0) {
      notBefore = 0;
      return false;
    }
    resumeTimer ??= setTimeout(() => {
      resumeTimer = null;
      drain();
    }, remaining);
    return true;
  };

  /** When the last paced admission was due. */
  let lastPacedAt = Number.NEGATIVE_INFINITY;
  const admitted = () => {
    active++;
    if (gapMs <= 0) return;
    const current = now();
    const scheduled = lastPacedAt + gapMs;
    // A timer a little late keeps to the schedule, so late timers do not slow the stream down;
    // later than that, nobody was waiting: the schedule starts again from now.
    lastPacedAt = current > scheduled + TIMER_SLACK_MS ? current : scheduled;
    notBefore = Math.max(notBefore, lastPacedAt + gapMs);
  };

  const drain = () => {
    while (active < limit && head < line.length && !held()) {
      const waiter = line[head++]!;
      if (waiter.settled) continue;
      waiter.settled = true;
      waiting--;
      admitted();
      waiter.resolve(true);
    }
    if (head > 1024 && head * 2 > line.length) {
      line = line.slice(head);
      head = 0;
    }
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < limit && waiting === 0 && !held()) {
        admitted();
        return Promise.resolve(false);
      }
      return new Promise<boolean>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, settled: false };
        if (signal) {
          const onAbort = () => {
            if (waiter.settled) return;
            waiter.settled = true;
            waiting--;
            reject(signal.reason);
          };
          signal.addEventListener("abort", onAbort, { once: true });
          waiter.resolve = (waited) => {
            signal.removeEventListener("abort", onAbort);
            resolve(waited);
          };
        }
        line.push(waiter);
        waiting++;
        // A waiter that arrives while the line is held must still be let in when the hold ends.
        held();
      });
    },
    release() {
      if (active === 0) throw new Error("Limiter released more often than acquired");
      active--;
      drain();
    },
    setLimit(next) {
      assertLimit(next);
      limit = next;
      drain();
    },
    pauseUntil(until) {
      if (until <= notBefore) return;
      notBefore = until;
      held();
    },
    setPacing(next) {
      if (!(next >= 0)) throw new TypeError(`Expected the gap to be at least 0 ms, got ${next}`);
      gapMs = next;
    },
    get gapMs() {
      return gapMs;
    },
    get limit() {
      return limit;
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting;
    },
  };
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`Expected the limit to be a whole number of at least 1, got ${limit}`);
  }
}

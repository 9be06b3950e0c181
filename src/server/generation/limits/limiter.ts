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
  /**
   * Spaces admissions `gapMs` apart (0: none), so a burst of free slots goes out as a stream;
   * `burst` admissions may go at once after a quiet spell while nobody waits in line (a token
   * bucket of that size refilling one per gap). Default 1: every admission paced.
   */
  setPacing(gapMs: number, burst?: number): void;
  readonly gapMs: number;
  readonly burst: number;
  readonly limit: number;
  readonly active: number;
  readonly waiting: number;
  /** Every slot is held, or someone waits for one: the limit, not the callers, sets the pace. */
  readonly full: boolean;
}

export function createLimiter(initialLimit: number, now: () => number = Date.now): Limiter {
  assertLimit(initialLimit);
  let limit = initialLimit;
  let active = 0;
  let waiting = 0;
  let gapMs = 0;
  let burst = 1;
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

  /**
   * When the next admission is due if the stream keeps to its schedule; up to `burst − 1` gaps
   * of it may be spent early (the generic cell rate algorithm, a token bucket kept as one time).
   */
  let dueAt = Number.NEGATIVE_INFINITY;
  const admitted = () => {
    active++;
    if (gapMs <= 0) return;
    const current = now();
    // A timer a little late keeps to the schedule, so late timers do not slow the stream down;
    // later than that, nobody was waiting: the schedule starts again from now, with a full burst.
    dueAt = current > dueAt + TIMER_SLACK_MS ? current + gapMs : dueAt + gapMs;
    // An admission with nobody left waiting behind it may spend the burst (a fan-out into free
    // slots); while calls wait in line, every slot is taken and they go one per gap from now.
    const next = waiting === 0 ? dueAt - (burst - 1) * gapMs : Math.min(dueAt, current + gapMs);
    // Sums of gaps are inexact: a next admission due within a microsecond is due now.
    if (next - current > 0.001) notBefore = Math.max(notBefore, next);
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
    setPacing(next, nextBurst = 1) {
      if (!(next >= 0)) throw new TypeError(`Expected the gap to be at least 0 ms, got ${next}`);
      assertLimit(nextBurst, "burst");
      gapMs = next;
      burst = nextBurst;
    },
    get gapMs() {
      return gapMs;
    },
    get burst() {
      return burst;
    },
    get limit() {
      return limit;
    },
    get active() {
      return active;
    },
    get full() {
      return active >= limit || waiting > 0;
    },
    get waiting() {
      return waiting;
    },
  };
}

function assertLimit(value: number, name = "limit"): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`Expected the ${name} to be a whole number of at least 1, got ${value}`);
  }
}

// A counting semaphore with a FIFO line and a limit that can change while it is in use (the
// adaptive controller lowers and raises it). Lowering never interrupts holders; it only makes
// newcomers wait until enough slots are released.

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  settled: boolean;
}

export interface Limiter {
  /** Resolves once a slot is held; rejects with the signal's reason if it aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
  release(): void;
  setLimit(limit: number): void;
  /** Lets nobody in before `until` (a Date.now() time); holders keep their slots. */
  pauseUntil(until: number): void;
  readonly limit: number;
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(initialLimit: number, now: () => number = Date.now): Limiter {
  assertLimit(initialLimit);
  let limit = initialLimit;
  let active = 0;
  let waiting = 0;
  let pausedUntil = 0;
  let resumeTimer: NodeJS.Timeout | null = null;
  // An array with a moving head: shifting a long array on every release would cost O(n).
  let line: Waiter[] = [];
  let head = 0;

  const paused = () => {
    if (pausedUntil === 0) return false;
    const remaining = pausedUntil - now();
    if (remaining <= 0) {
      pausedUntil = 0;
      return false;
    }
    resumeTimer ??= setTimeout(() => {
      resumeTimer = null;
      drain();
    }, remaining);
    return true;
  };

  const drain = () => {
    if (paused()) return;
    while (active < limit && head < line.length) {
      const waiter = line[head++]!;
      if (waiter.settled) continue;
      waiter.settled = true;
      waiting--;
      active++;
      waiter.resolve();
    }
    if (head > 1024 && head * 2 > line.length) {
      line = line.slice(head);
      head = 0;
    }
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < limit && waiting === 0 && !paused()) {
        active++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, settled: false };
        if (signal) {
          const onAbort = () => {
            if (waiter.settled) return;
            waiter.settled = true;
            waiting--;
            reject(signal.reason);
          };
          signal.addEventListener("abort", onAbort, { once: true });
          waiter.resolve = () => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          };
        }
        line.push(waiter);
        waiting++;
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
      if (until <= pausedUntil) return;
      pausedUntil = until;
      if (resumeTimer) {
        clearTimeout(resumeTimer);
        resumeTimer = null;
      }
      paused();
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

// A Limiter (limiter.ts) whose slots, pause and pacing schedule live in Redis, shared by every
// worker process that builds its budget of the same name and provider model: what the provider
// sees is one budget, not one per process.
//
// - Slots are leases in a sorted set, each ending `leaseMs` after it was taken or last renewed;
//   a process renews its own while it holds them, so a killed process's slots come back once
//   their leases run out, and a release removes a lease at once and tells the others.
// - A pause (a 429's Retry-After) is one time in Redis: every process's calls of the kind wait.
// - Pacing is one schedule (the generic cell rate algorithm's "theoretical arrival time"): each
//   admission, from any process, reserves the next slot of the stream atomically.
// The limit, gap and burst are the caller's, passed with each acquire: the adaptive controller
// decides them, and shared-state.ts keeps the processes' controllers on one decision.
// In this process, waiters keep a FIFO line; across processes the first to ask Redis goes first.
import type { Redis } from "ioredis";
import type { Limiter } from "../limiter";
import { ACQUIRE, PAUSE, RELEASE, RENEW } from "./budget-scripts";

/** How often a full budget asks again when no release was heard (a lease that ran out tells no one). */
const FULL_POLL_MS = 50;
/** After a Redis error, before trying again. */
const ERROR_RETRY_MS = 200;

export interface SharedLimiterOptions {
  redis: Redis;
  /** Key prefix of this budget, e.g. `storyforge:budget:image:openai:gpt-image-1`. */
  key: string;
  /** The channel releases are announced on (heard through `released()`). */
  channel: string;
  processId: string;
  leaseMs: number;
  initialLimit: number;
  now: () => number;
}

export interface SharedLimiter extends Limiter {
  /**
   * Told how many calls the other processes were let in since this one last asked: the budget's
   * rate estimate and quota mirror count every call the provider sees, not only this process's.
   */
  onOthersAdmitted: ((count: number) => void) | null;
  /** Another process released a slot: waiters here may go. */
  released(): void;
  close(): void;
}

interface Waiter {
  resolve: (waited: boolean) => void;
  reject: (reason: unknown) => void;
  settled: boolean;
  waited: boolean;
}

export function createSharedLimiter(options: SharedLimiterOptions): SharedLimiter {
  const { redis, key, channel, processId, leaseMs, now } = options;
  const keys = { leases: `${key}:leases`, pause: `${key}:pause`, due: `${key}:due`, admitted: `${key}:admitted`, state: `${key}:state`, gap: `${key}:gap` };
  /** The admission count as Redis last said it; null before the first answer. */
  let admittedSeen: number | null = null;
  let limit = options.initialLimit;
  let gapMs = 0;
  let burst = 1;
  let localPause = 0;
  /** Calls in flight across all processes, as Redis last said, adjusted by this process's own. */
  let sharedActive = 0;
  /** The limit Redis last admitted under: the shared window, which may be ahead of this process's. */
  let sharedLimit = options.initialLimit;
  const leases: string[] = [];
  /**
   * Calls whose leases ran out while they were in flight (this process stalled past a lease): their
   * releases give back nothing, rather than another call's lease.
   */
  let lostLeases = 0;
  let nextLease = 0;
  const line: Waiter[] = [];
  let asking = false;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const wakeIn = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      pump();
    }, ms);
  };

  const pump = () => {
    while (line.length > 0 && line[0]!.settled) line.shift();
    if (asking || closed || line.length === 0) return;
    const holdMs = localPause - now();
    if (holdMs > 0) return wakeIn(holdMs);
    asking = true;
    const lease = `${processId}:${nextLease++}`;
    const waiter = line[0]!;
    (redis.eval(ACQUIRE, 6, keys.leases, keys.pause, keys.due, keys.admitted, keys.state, keys.gap, lease, limit, gapMs, burst, leaseMs) as Promise<[number, number, number, number, number]>).then(
      ([taken, waitMs, active, admitted, storedLimit]) => {
        asking = false;
        sharedActive = active;
        sharedLimit = storedLimit;
        // The count includes this admission, if it was one: the others' are the rest.
        const others = admittedSeen === null ? 0 : admitted - admittedSeen - taken;
        admittedSeen = admitted;
        if (others > 0) limiter.onOthersAdmitted?.(others);
        if (taken === 1) {
          if (waiter.settled || closed) {
            // Aborted (or closed) while Redis answered: give the slot straight back.
            void releaseLease(lease);
          } else {
            leases.push(lease);
            waiter.settled = true;
            line.shift();
            waiter.resolve(waiter.waited);
          }
          pump();
          return;
        }
        waiter.waited = true;
        wakeIn(waitMs > 0 ? waitMs : FULL_POLL_MS);
      },
      (error: unknown) => {
        asking = false;
        console.error(`Shared budget ${key}: Redis refused an acquire`, error instanceof Error ? error.message : error);
        waiter.waited = true;
        wakeIn(ERROR_RETRY_MS);
      },
    );
  };

  const releaseLease = (lease: string) =>
    redis.eval(RELEASE, 1, keys.leases, lease, channel).then(
      () => {},
      // The lease runs out by itself: the slot comes back late, not never.
      (error: unknown) => console.error(`Shared budget ${key}: Redis refused a release`, error instanceof Error ? error.message : error),
    );

  // Leases outlive a long call only while this process lives and renews them.
  const renewal = setInterval(() => {
    if (leases.length === 0) return;
    (redis.eval(RENEW, 1, keys.leases, leaseMs, ...leases) as Promise<string[]>).then(
      (gone) => {
        if (gone.length === 0) return;
        console.error(`Shared budget ${key}: ${gone.length} lease(s) ran out before they were renewed; their slots are others' now`);
        for (const lease of gone) {
          const index = leases.indexOf(lease);
          // Released meanwhile: nothing to forget.
          if (index === -1) continue;
          leases.splice(index, 1);
          lostLeases++;
          sharedActive = Math.max(0, sharedActive - 1);
        }
      },
      (error: unknown) => {
        console.error(`Shared budget ${key}: could not renew its leases`, error instanceof Error ? error.message : error);
      },
    );
  }, Math.max(10, Math.floor(leaseMs / 3)));
  renewal.unref();

  const limiter: SharedLimiter = {
    onOthersAdmitted: null,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<boolean>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject, settled: false, waited: line.length > 0 };
        if (signal) {
          const onAbort = () => {
            if (waiter.settled) return;
            waiter.settled = true;
            reject(signal.reason);
            pump();
          };
          signal.addEventListener("abort", onAbort, { once: true });
          waiter.resolve = (waited) => {
            signal.removeEventListener("abort", onAbort);
            resolve(waited);
          };
        }
        line.push(waiter);
        pump();
      });
    },
    release() {
      if (lostLeases > 0) {
        lostLeases--;
        return;
      }
      const lease = leases.pop();
      if (lease === undefined) throw new Error("Limiter released more often than acquired");
      sharedActive = Math.max(0, sharedActive - 1);
      void releaseLease(lease).then(pump);
    },
    released() {
      pump();
    },
    setLimit(next) {
      if (!Number.isInteger(next) || next < 1) throw new TypeError(`Expected the limit to be a whole number of at least 1, got ${next}`);
      limit = next;
      pump();
    },
    pauseUntil(until) {
      if (until <= localPause) return;
      localPause = until;
      const ms = Math.ceil(until - now());
      if (ms > 0) {
        redis.eval(PAUSE, 1, keys.pause, ms).catch((error: unknown) => {
          console.error(`Shared budget ${key}: could not share a pause`, error instanceof Error ? error.message : error);
        });
      }
    },
    setPacing(next, nextBurst = 1) {
      if (!(next >= 0)) throw new TypeError(`Expected the gap to be at least 0 ms, got ${next}`);
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
      return Math.max(sharedActive, leases.length);
    },
    get waiting() {
      return line.filter((waiter) => !waiter.settled).length;
    },
    get full() {
      return Math.max(sharedActive, leases.length) >= sharedLimit || line.some((waiter) => !waiter.settled);
    },
    close() {
      closed = true;
      clearInterval(renewal);
      if (timer) clearTimeout(timer);
      for (const lease of leases.splice(0)) void releaseLease(lease);
    },
  };
  return limiter;
}

// Time as the engine sees it, so tests and benchmarks can pass their own.

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // Timers may fire a millisecond early against Date.now(); a retry sent before the server's
      // Retry-After would be wasted, so sleep again until the deadline has really passed.
      const deadline = Date.now() + ms;
      let timer: NodeJS.Timeout;
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const wait = (remaining: number) => {
        timer = setTimeout(() => {
          const left = deadline - Date.now();
          if (left > 0) return wait(left);
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, remaining);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      wait(ms);
    });
  },
};

// Delivers committed run events to live followers. In-process for the embedded deployment; the
// interface is kept this narrow so Redis pub/sub can take its place when workers move out.
import type { RunEvent } from "./run-events";

export type RunEventListener = (event: RunEvent) => void;

export interface RunEventBus {
  publish(event: RunEvent): void;
  /** Returns the function that stops the subscription. */
  subscribe(runId: string, listener: RunEventListener): () => void;
  /**
   * Resolves once every subscription made so far to the run hears what is published. A bus over
   * the network subscribes asynchronously; followers read stored events only after this, so an
   * event is either in what they read or in what they hear. In-process, subscribing is immediate.
   */
  ready?(runId: string): Promise<void>;
}

export function createInProcessEventBus(): RunEventBus {
  const listeners = new Map<string, Set<RunEventListener>>();
  return {
    publish(event) {
      const forRun = listeners.get(event.runId);
      if (!forRun) return;
      for (const listener of forRun) {
        try {
          listener(event);
        } catch (error) {
          // One broken follower must not stop the others (or the engine) from hearing the event.
          console.error("run event listener failed", error);
        }
      }
    },
    subscribe(runId, listener) {
      let forRun = listeners.get(runId);
      if (!forRun) {
        forRun = new Set();
        listeners.set(runId, forRun);
      }
      forRun.add(listener);
      return () => {
        forRun.delete(listener);
        if (forRun.size === 0 && listeners.get(runId) === forRun) listeners.delete(runId);
      };
    },
  };
}

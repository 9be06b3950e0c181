// Follows a run's events for a client that may be reconnecting: it listens to live events
// first, then replays the stored ones after `afterSeq`, and yields each seq once and in order.
// Listening before reading is what closes the gap: an event committed between the read and the
// subscription would otherwise be in neither.
import type { Engine } from "../engine";
import type { RunEvent } from "./run-events";

export async function* followRun(
  engine: Pick<Engine, "subscribe" | "eventsAfter">,
  runId: string,
  afterSeq: number,
  signal?: AbortSignal,
): AsyncGenerator<RunEvent> {
  const live: RunEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = engine.subscribe(runId, (event) => {
    live.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  let last = afterSeq;
  try {
    let backlog = await engine.eventsAfter(runId, last);
    for (;;) {
      for (let index = 0; index < backlog.length; index++) {
        const event = backlog[index]!;
        if (event.seq <= last) continue;
        last = event.seq;
        yield event;
        // A run-end followed by later events is a run that was retried: keep going.
        const isLatest = index === backlog.length - 1 && !live.some((candidate) => candidate.seq > last);
        if (event.type === "run-end" && isLatest) return;
      }
      if (signal?.aborted) return;
      if (live.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        if (signal?.aborted) return;
      }
      backlog = live.splice(0);
      // Events are published in order after their commit, so a hole means this follower missed
      // some (it subscribed in the middle of a batch); the database has them.
      if (backlog.length > 0 && backlog[0]!.seq > last + 1) backlog = await engine.eventsAfter(runId, last);
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener("abort", onAbort);
  }
}

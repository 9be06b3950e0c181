// The live state of a run's tasks, for any domain: the run's snapshot (runs.get) with the events
// that arrived since laid over it. Pure functions, so the rules are testable without React.
import type { RouterOutputs } from "@/trpc/router-types";

export type RunSnapshot = RouterOutputs["runs"]["get"];
type SnapshotTask = RunSnapshot["tasks"][number];

/** The engine's task statuses, plus "waiting": held back by the provider's rate limit, which is not a failure. */
export type LiveTaskStatus = SnapshotTask["status"] | "waiting";

export interface LiveTask {
  key: string;
  /** The task's budget name ("text", "image", …); null until the snapshot or a task-start says. */
  kind: string | null;
  status: LiveTaskStatus;
  attempts: number;
  durationMs: number | null;
  /** Why it failed, was skipped, is being retried or is waiting. */
  reason: string | null;
  /** While waiting: when the next try is due, in this browser's clock (epoch ms). */
  waitUntil: number | null;
}

type EventBodies =
  | { type: "run-start"; payload: { total: number } }
  | { type: "queue-position"; payload: { position: number } }
  | { type: "task-start"; payload: { key: string; kind: string } }
  | { type: "task-retry"; payload: { key: string; attempt: number; delayMs: number; reason: string } }
  /** The provider's rate limit holds the task back; `kind` is the budget it waits on. */
  | { type: "task-wait"; payload: { key: string; kind: string; delayMs: number; reason: string } }
  | { type: "task-error"; payload: { key: string; error: string } }
  | {
      type: "task-end";
      payload: { key: string; status: "succeeded" | "failed" | "cancelled" | "skipped"; attempts: number; durationMs: number | null; reason?: string };
    }
  | { type: "run-end"; payload: { status: string } };

/** A run event as the browser reads it from runs.events (the fields it uses). */
export type RunEventMessage = EventBodies & { createdAt?: Date | string };

/** What the events said about one task; fields they did not mention stay undefined. */
export type LiveTaskUpdate = Partial<LiveTask> & { key: string };

/** The task a run event is about, if it is about one. */
export function taskKeyOf(event: { payload?: unknown }): string | undefined {
  const payload = event.payload as { key?: unknown } | undefined;
  return typeof payload?.key === "string" ? payload.key : undefined;
}

/**
 * The live updates after `event`. Returns `live` itself when the event changes no task. `now` is
 * this browser's clock, used to turn a wait's delay into the time of the next try.
 */
export function applyRunEvent(
  live: ReadonlyMap<string, LiveTaskUpdate>,
  event: RunEventMessage,
  now: number,
): ReadonlyMap<string, LiveTaskUpdate> {
  const key = taskKeyOf(event);
  if (key === undefined) return live;
  const current = live.get(key) ?? { key };
  let updated: LiveTaskUpdate;
  switch (event.type) {
    case "task-start":
      updated = { ...current, kind: event.payload.kind, status: "running", reason: null, waitUntil: null };
      break;
    case "task-retry":
      updated = { ...current, status: "retrying", attempts: event.payload.attempt, reason: event.payload.reason, waitUntil: null };
      break;
    case "task-wait":
      // The task keeps its own kind: the budget it waits on may be another (a text task calling "vision").
      updated = { ...current, status: "waiting", reason: event.payload.reason, waitUntil: waitEnd(event, now) };
      break;
    case "task-error":
      updated = { ...current, reason: event.payload.error };
      break;
    case "task-end":
      updated = {
        ...current,
        status: event.payload.status,
        attempts: event.payload.attempts,
        durationMs: event.payload.durationMs,
        reason: event.payload.reason ?? (event.payload.status === "failed" ? current.reason : null),
        waitUntil: null,
      };
      break;
    default:
      return live;
  }
  const next = new Map(live);
  next.set(key, updated);
  return next;
}

/**
 * A replayed wait (after a reload) started when the event was stored, not when it arrived; a
 * server clock ahead of this one must not stretch the wait beyond its delay.
 */
function waitEnd(event: RunEventMessage & { payload: { delayMs: number } }, now: number): number {
  const created = event.createdAt === undefined ? Number.NaN : new Date(event.createdAt).getTime();
  const start = Number.isFinite(created) ? Math.min(created, now) : now;
  return start + event.payload.delayMs;
}

/** The snapshot's tasks with the live updates laid over them, by key. */
export function mergeTasks(snapshot: readonly SnapshotTask[] | undefined, live: ReadonlyMap<string, LiveTaskUpdate>): Map<string, LiveTask> {
  const merged = new Map<string, LiveTask>();
  for (const task of snapshot ?? []) {
    merged.set(task.key, {
      key: task.key,
      kind: task.kind,
      status: task.status,
      attempts: task.attempts,
      durationMs: task.durationMs,
      reason: task.lastError,
      waitUntil: null,
    });
  }
  for (const [key, update] of live) {
    const base: LiveTask = merged.get(key) ?? { key, kind: null, status: "queued", attempts: 0, durationMs: null, reason: null, waitUntil: null };
    const mentioned = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
    merged.set(key, { ...base, ...mentioned });
  }
  return merged;
}

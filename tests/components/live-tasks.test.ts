// The live task state the run-progress hook shows: events laid over the run's snapshot.
import { describe, expect, test } from "vitest";
import { applyRunEvent, mergeTasks, type LiveTaskUpdate, type RunEventMessage, type RunSnapshot } from "@/components/runs/live-tasks";

const snapshotTask = (key: string, overrides: Partial<RunSnapshot["tasks"][number]> = {}): RunSnapshot["tasks"][number] => ({
  key,
  type: "story.image",
  kind: "image",
  status: "queued",
  attempts: 0,
  lastError: null,
  durationMs: null,
  output: null,
  ...overrides,
});

function replay(events: RunEventMessage[], now = 1_000_000): ReadonlyMap<string, LiveTaskUpdate> {
  return events.reduce<ReadonlyMap<string, LiveTaskUpdate>>((live, event) => applyRunEvent(live, event, now), new Map());
}

const start = (key: string, kind = "image"): RunEventMessage => ({ type: "task-start", payload: { key, kind } });
const wait = (key: string, delayMs: number, createdAt?: Date): RunEventMessage => ({
  type: "task-wait",
  payload: { key, kind: "image", delayMs, reason: "OpenAI answered 429: slow down" },
  ...(createdAt ? { createdAt } : {}),
});

describe("task-wait", () => {
  test("shows the task as waiting until the next try, with the wait's reason, without counting an attempt", () => {
    const live = replay([start("image:a"), wait("image:a", 30_000, new Date(1_000_000))], 1_000_000);
    const task = mergeTasks([snapshotTask("image:a", { status: "running", attempts: 1 })], live).get("image:a")!;
    expect(task).toMatchObject({ status: "waiting", waitUntil: 1_030_000, reason: "OpenAI answered 429: slow down", attempts: 1, kind: "image" });
  });

  test("keeps the task's own kind when it waits on another budget", () => {
    const live = replay([start("prompt:a", "text"), { type: "task-wait", payload: { key: "prompt:a", kind: "vision", delayMs: 5_000, reason: "429" } }]);
    expect(mergeTasks([], live).get("prompt:a")).toMatchObject({ kind: "text", status: "waiting" });
  });

  test("a replayed wait counts from when it was stored, not from when it arrived", () => {
    const stored = new Date(1_000_000 - 20_000);
    const live = replay([start("image:a"), wait("image:a", 30_000, stored)], 1_000_000);
    expect(mergeTasks([], live).get("image:a")!.waitUntil).toBe(1_010_000);
  });

  test("a server clock ahead of the browser's never stretches the wait beyond its delay", () => {
    const live = replay([start("image:a"), wait("image:a", 30_000, new Date(1_000_000 + 60_000))], 1_000_000);
    expect(mergeTasks([], live).get("image:a")!.waitUntil).toBe(1_030_000);
  });

  test.each([
    ["task-start", start("image:a"), { status: "running" }],
    ["task-retry", { type: "task-retry", payload: { key: "image:a", attempt: 2, delayMs: 1_000, reason: "OpenAI answered 500" } }, { status: "retrying", attempts: 2 }],
    [
      "task-end",
      { type: "task-end", payload: { key: "image:a", status: "succeeded", attempts: 2, durationMs: 42_000 } },
      { status: "succeeded", durationMs: 42_000, reason: null },
    ],
  ] as Array<[string, RunEventMessage, object]>)("a later %s clears the wait", (_name, later, expected) => {
    const live = replay([start("image:a"), wait("image:a", 30_000), later]);
    expect(mergeTasks([], live).get("image:a")).toMatchObject({ ...expected, waitUntil: null });
  });
});

describe("other events, as before", () => {
  test("a task the snapshot does not list yet comes from the events alone, its kind unknown until it starts", () => {
    const live = replay([{ type: "task-end", payload: { key: "image:b", status: "cancelled", attempts: 0, durationMs: null } }]);
    expect(mergeTasks([snapshotTask("image:a")], live).get("image:b")).toEqual({
      key: "image:b",
      kind: null,
      status: "cancelled",
      attempts: 0,
      durationMs: null,
      reason: null,
      waitUntil: null,
    });
  });

  test("a failure keeps the error reported before its task-end", () => {
    const live = replay([
      start("image:a"),
      { type: "task-error", payload: { key: "image:a", error: "OpenAI answered 400: bad prompt" } },
      { type: "task-end", payload: { key: "image:a", status: "failed", attempts: 1, durationMs: 900 } },
    ]);
    expect(mergeTasks([snapshotTask("image:a")], live).get("image:a")).toMatchObject({ status: "failed", reason: "OpenAI answered 400: bad prompt" });
  });

  test("events about no task change nothing", () => {
    const live = replay([start("image:a")]);
    expect(applyRunEvent(live, { type: "queue-position", payload: { position: 2 } }, 0)).toBe(live);
    expect(applyRunEvent(live, { type: "run-end", payload: { status: "succeeded" } }, 0)).toBe(live);
  });

  test("the snapshot's fields stand where the events said nothing", () => {
    const merged = mergeTasks([snapshotTask("image:a", { status: "failed", attempts: 4, lastError: "timed out" })], new Map());
    expect(merged.get("image:a")).toMatchObject({ status: "failed", attempts: 4, reason: "timed out", waitUntil: null });
  });
});

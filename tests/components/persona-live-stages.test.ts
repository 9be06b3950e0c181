// The persona stage grid as the page shows it: the server's cells with the run's live events laid
// over them — a rate-limit wait reads as a wait, posts count up, and a stage that just ended says
// how before the persona is read again.
import { describe, expect, test } from "vitest";
import type { LiveTask } from "@/components/runs/live-tasks";
import { dependentStages, liveGrid, type GridCell } from "@/components/personas/live-stages";

const cell = (stage: GridCell["stage"], status: GridCell["status"], reason: string | null = null): GridCell => ({
  stage,
  number: ["core", "strategy", "posts", "network", "authenticity", "visual", "book", "avatar"].indexOf(stage) + 1,
  label: stage,
  status,
  reason,
});

const task = (key: string, status: LiveTask["status"], overrides: Partial<LiveTask> = {}): LiveTask => ({
  key,
  kind: "text",
  status,
  attempts: 1,
  durationMs: null,
  reason: null,
  waitUntil: null,
  ...overrides,
});

const tasksOf = (...tasks: LiveTask[]) => new Map(tasks.map((entry) => [entry.key, entry]));

describe("liveGrid", () => {
  test("keeps the server's cell for a stage the followed run does not do", () => {
    const [core] = liveGrid("p1", [cell("core", "succeeded")], tasksOf(task("p1:strategy", "running")));
    expect(core).toMatchObject({ stage: "core", status: "succeeded", waitUntil: null, posts: null });
  });

  test("shows a stage as running as soon as its task starts, before the persona is read again", () => {
    const [strategy] = liveGrid("p1", [cell("strategy", "queued")], tasksOf(task("p1:strategy", "running")));
    expect(strategy?.status).toBe("running");
  });

  test("a task held back by the rate limit makes its stage wait, with the time of the next try", () => {
    const [visual] = liveGrid(
      "p1",
      [cell("visual", "running")],
      tasksOf(task("p1:visual", "waiting", { waitUntil: 5_000, reason: "OpenAI answered 429" })),
    );
    expect(visual).toMatchObject({ status: "waiting", waitUntil: 5_000, reason: "OpenAI answered 429" });
  });

  test("only this persona's tasks count (a batch run carries every persona's)", () => {
    const [core] = liveGrid("p1", [cell("core", "queued")], tasksOf(task("p2:core", "running")));
    expect(core?.status).toBe("queued");
  });

  test("counts the posts done while stage 3 runs, and waits only when no post is running", () => {
    const running = liveGrid(
      "p1",
      [cell("posts", "queued")],
      tasksOf(task("p1:post:0", "succeeded"), task("p1:post:1", "running"), task("p1:post:2", "waiting", { waitUntil: 9_000 })),
    )[0];
    expect(running).toMatchObject({ status: "running", posts: { done: 1, total: 3 } });
    const waiting = liveGrid("p1", [cell("posts", "running")], tasksOf(task("p1:post:0", "succeeded"), task("p1:post:1", "waiting", { waitUntil: 9_000 })))[0];
    expect(waiting).toMatchObject({ status: "waiting", waitUntil: 9_000 });
  });

  test("a stage that just ended reads as the events say until the server's cell catches up", () => {
    const [failed] = liveGrid("p1", [cell("book", "running")], tasksOf(task("p1:book", "failed", { reason: "The answer did not match the schema" })));
    expect(failed).toMatchObject({ status: "failed", reason: "The answer did not match the schema" });
    const [done] = liveGrid("p1", [cell("book", "running")], tasksOf(task("p1:book", "succeeded")));
    expect(done?.status).toBe("succeeded");
  });

  test("once read again, the server's reason wins over the event's (a skip names the stage that failed)", () => {
    const [skipped] = liveGrid(
      "p1",
      [cell("posts", "skipped", "Skipped: Posting strategy (stage 2) failed")],
      tasksOf(task("p1:post:0", "skipped", { reason: null })),
    );
    expect(skipped).toMatchObject({ status: "skipped", reason: "Skipped: Posting strategy (stage 2) failed" });
  });
});

describe("dependentStages", () => {
  const needs = [
    { stage: "core" as const, needs: [] },
    { stage: "strategy" as const, needs: ["core" as const] },
    { stage: "posts" as const, needs: ["core" as const, "strategy" as const] },
    { stage: "visual" as const, needs: ["core" as const] },
    { stage: "avatar" as const, needs: ["visual" as const] },
  ];

  test("finds the stages that read a stage, directly or through another, in stage order", () => {
    expect(dependentStages("core", needs)).toEqual(["strategy", "posts", "visual", "avatar"]);
    expect(dependentStages("strategy", needs)).toEqual(["posts"]);
    expect(dependentStages("visual", needs)).toEqual(["avatar"]);
    expect(dependentStages("posts", needs)).toEqual([]);
  });
});

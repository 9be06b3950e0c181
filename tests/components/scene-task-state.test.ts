// The scene card's state pill, rendered to HTML: a rate-limit wait reads as a wait with its
// countdown, never as a retry toward failure.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { TaskState } from "@/components/story/scene-task-state";

const now = Date.UTC(2030, 0, 1);
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(now);
});
afterEach(() => {
  vi.useRealTimers();
});

const imageTask = (overrides: Partial<LiveTask>): LiveTask => ({
  key: "image:a",
  kind: "image",
  status: "running",
  attempts: 1,
  durationMs: null,
  reason: null,
  waitUntil: null,
  ...overrides,
});

const pill = (task: LiveTask) =>
  renderToStaticMarkup(createElement(TaskState, { imageTask: task, promptTask: null, maxAttempts: 4, hasImage: false }))
    .replace(/<[^>]+>/g, "")
    .replaceAll("&#x27;", "'");

describe("scene task state", () => {
  test("a task waiting on the rate limit says so, with the seconds until its next try", () => {
    const text = pill(imageTask({ status: "waiting", waitUntil: now + 29_200, reason: "OpenAI answered 429" }));
    expect(text).toBe("Waiting for the provider's rate limit — next try in 30 s");
  });

  test("once the wait is over, the task reads as rendering again", () => {
    expect(pill(imageTask({ status: "waiting", waitUntil: now - 1 }))).toBe("Rendering…");
  });

  test("a retry still counts toward the maximum attempts", () => {
    expect(pill(imageTask({ status: "retrying", attempts: 1, reason: "OpenAI answered 500" }))).toBe("Retrying 2/4 — OpenAI answered 500");
  });
});

// What the deck pages say about a slide and a deck: which task a slide card reports (its prompt
// until written, then its image), why it failed, places in line, and the workers the form sends.
import { describe, expect, test } from "vitest";
import type { LiveTask } from "@/components/runs/live-tasks";
import { clampedWorkers, ordinal, placeInLine } from "@/components/slides/deck-format";
import { currentTask, slideProblem } from "@/components/slides/slide-task";

const task = (key: string, overrides: Partial<LiveTask> = {}): LiveTask => ({
  key,
  kind: key.startsWith("image:") ? "image" : "text",
  status: "queued",
  attempts: 0,
  durationMs: null,
  reason: null,
  waitUntil: null,
  ...overrides,
});

describe("a slide's current task", () => {
  test("is the prompt while it is being written, even though the image task is already queued", () => {
    const prompt = task("prompt:s", { status: "running" });
    expect(currentTask(prompt, task("image:s"))).toEqual({ task: prompt, step: "prompt" });
  });

  test("is the image once the prompt is written, or when the slide had a prompt of its own", () => {
    const image = task("image:s", { status: "running" });
    expect(currentTask(task("prompt:s", { status: "succeeded" }), image)).toEqual({ task: image, step: "image" });
    expect(currentTask(null, image)).toEqual({ task: image, step: "image" });
  });

  test("is none for a slide outside the run", () => {
    expect(currentTask(null, null)).toBeNull();
  });
});

describe("a slide's problem", () => {
  test("names the failed step and its reason", () => {
    expect(slideProblem(null, task("image:s", { status: "failed", reason: "Provider answered 500" }), null)).toBe("The image failed: Provider answered 500");
    expect(slideProblem(task("prompt:s", { status: "failed", reason: "timeout" }), task("image:s", { status: "skipped" }), null)).toBe(
      "The prompt could not be written: timeout",
    );
  });

  test("falls back to the server's stored error when the events gave no reason", () => {
    expect(slideProblem(null, task("image:s", { status: "failed" }), "Content policy")).toBe("The image failed: Content policy");
  });

  test("is none for a slide that is queued, rendering or done", () => {
    for (const status of ["queued", "running", "waiting", "succeeded"] as const) expect(slideProblem(null, task("image:s", { status }), null)).toBeNull();
  });
});

describe("places in line", () => {
  test("are ordinals, with 11th to 13th as exceptions", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th",
    ]);
  });

  test("say when the deck is next", () => {
    expect(placeInLine(1)).toBe("1st in line — next to start");
    expect(placeInLine(2)).toBe("2nd in line");
  });
});

describe("workers from the form", () => {
  test("are kept within 1 and the server's maximum, rounded to a whole number", () => {
    expect(clampedWorkers("5", 20)).toBe(5);
    expect(clampedWorkers("500", 20)).toBe(20);
    expect(clampedWorkers("0", 20)).toBe(1);
    expect(clampedWorkers("2.6", 20)).toBe(3);
  });

  test("are none when the field is empty or not a number", () => {
    expect(clampedWorkers("", 20)).toBeNull();
    expect(clampedWorkers("many", 20)).toBeNull();
  });
});

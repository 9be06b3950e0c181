"use client";
// The pill in a slide card's corner: where the slide's prompt or image task stands in the deck's
// run, live; "Done" with the render time once it has an image.
import type { ReactNode } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { rateLimitWaitText, TaskPill, type TaskTone } from "@/components/runs/task-pill";
import { useSecondsUntil } from "@/components/runs/use-seconds-until";
import { formatDuration } from "@/lib/format";
import { currentTask } from "./slide-task";

export function SlideState({
  promptTask,
  imageTask,
  maxAttempts,
  imageDurationMs,
}: {
  promptTask: LiveTask | null;
  imageTask: LiveTask | null;
  maxAttempts: number;
  /** The current image's render time; null without an image. */
  imageDurationMs: number | null;
}) {
  const current = currentTask(promptTask, imageTask);
  const task = current?.task ?? null;
  const secondsLeft = useSecondsUntil(task?.status === "waiting" ? task.waitUntil : null);
  if (!current || !task) {
    return imageDurationMs !== null ? <Pill tone="done">Done in {formatDuration(imageDurationMs)}</Pill> : <Pill tone="idle">Not rendered</Pill>;
  }
  const working = current.step === "prompt" ? "Writing prompt…" : "Rendering…";
  switch (task.status) {
    case "queued":
      return <Pill tone="idle">Queued</Pill>;
    case "running":
      return <Pill tone="busy">{working}</Pill>;
    case "waiting":
      // A rate limit is a wait, not a failed attempt; once the time is up the next try is under way.
      return secondsLeft > 0 ? (
        <Pill tone="wait" title={task.reason ?? undefined} wrap>
          {rateLimitWaitText(secondsLeft)}
        </Pill>
      ) : (
        <Pill tone="busy">{working}</Pill>
      );
    case "retrying":
      return (
        <Pill tone="warn" title={task.reason ?? undefined}>
          Retrying {Math.min(task.attempts + 1, maxAttempts)}/{maxAttempts}
        </Pill>
      );
    case "failed":
      return <Pill tone="error">{current.step === "prompt" ? "Prompt failed" : "Failed"}</Pill>;
    case "skipped":
      return <Pill tone="error">Skipped</Pill>;
    case "cancelled":
      return <Pill tone="idle">Cancelled</Pill>;
    case "succeeded":
      return <Pill tone="done">Done{task.durationMs !== null ? ` in ${formatDuration(task.durationMs)}` : ""}</Pill>;
  }
}

function Pill(props: { tone: TaskTone; title?: string; wrap?: boolean; children: ReactNode }) {
  return <TaskPill testId="slide-state" widthClassName="max-w-[15rem]" {...props} />;
}

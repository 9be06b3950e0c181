"use client";
// The pill in a scene card's corner: where the scene's prompt or picture task stands.
import type { ReactNode } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
import { rateLimitWaitText, TaskPill, type TaskTone } from "@/components/runs/task-pill";
import { useSecondsUntil } from "@/components/runs/use-seconds-until";
import { formatDuration } from "@/lib/format";

export function TaskState({
  imageTask,
  promptTask,
  maxAttempts,
  hasImage,
}: {
  imageTask: LiveTask | null;
  promptTask: LiveTask | null;
  maxAttempts: number;
  hasImage: boolean;
}) {
  const task = imageTask ?? (promptTask && promptTask.status !== "succeeded" ? promptTask : null);
  const secondsLeft = useSecondsUntil(task?.status === "waiting" ? task.waitUntil : null);
  if (!task) return hasImage ? <Pill tone="done">Done</Pill> : null;
  const what = task.kind === "image" ? "Rendering" : "Writing prompt";
  switch (task.status) {
    case "queued":
      return <Pill tone="idle">Queued</Pill>;
    case "running":
      return <Pill tone="busy">{what}…</Pill>;
    case "waiting":
      // A rate limit is a wait, not a failed attempt: no count toward the maximum. Once the time
      // is up the next try is under way.
      return secondsLeft > 0 ? (
        <Pill tone="wait" title={task.reason ?? undefined} wrap>
          {rateLimitWaitText(secondsLeft)}
        </Pill>
      ) : (
        <Pill tone="busy">{what}…</Pill>
      );
    case "retrying":
      return (
        <Pill tone="warn" title={task.reason ?? undefined}>
          Retrying {Math.min(task.attempts + 1, maxAttempts)}/{maxAttempts}
          {task.reason ? ` — ${shorten(task.reason)}` : ""}
        </Pill>
      );
    case "failed":
      return (
        <Pill tone="error" title={task.reason ?? undefined}>
          Failed{task.reason ? `: ${shorten(task.reason)}` : ""}
        </Pill>
      );
    case "skipped":
      return <Pill tone="error">Skipped: the prompt failed</Pill>;
    case "cancelled":
      return <Pill tone="idle">Cancelled</Pill>;
    case "succeeded":
      return task.kind === "image" ? (
        <Pill tone="done">Done{task.durationMs !== null ? ` in ${formatDuration(task.durationMs)}` : ""}</Pill>
      ) : (
        <Pill tone="idle">Prompt ready</Pill>
      );
  }
}

function shorten(text: string) {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function Pill(props: { tone: TaskTone; title?: string; wrap?: boolean; children: ReactNode }) {
  return <TaskPill testId="scene-state" widthClassName="max-w-[16rem]" {...props} />;
}

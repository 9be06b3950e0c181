"use client";
// The pill in a slide card's corner: where the slide's prompt or image task stands in the deck's
// run, live; "Done" with the render time once it has an image.
import type { ReactNode } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
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
          {`Waiting for the provider's rate limit — next try in ${secondsLeft} s`}
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

const tones = {
  idle: "bg-white/90 text-stone-700",
  busy: "bg-indigo-600 text-white",
  wait: "bg-sky-100 text-sky-900",
  warn: "bg-amber-400 text-amber-950",
  error: "bg-red-600 text-white",
  done: "bg-emerald-600 text-white",
};

function Pill({ tone, title, wrap = false, children }: { tone: keyof typeof tones; title?: string; wrap?: boolean; children: ReactNode }) {
  const shape = wrap ? "rounded-2xl" : "truncate rounded-full";
  return (
    <span title={title} data-testid="slide-state" className={`inline-block max-w-[15rem] ${shape} px-2.5 py-1 text-xs font-medium shadow ${tones[tone]}`}>
      {children}
    </span>
  );
}

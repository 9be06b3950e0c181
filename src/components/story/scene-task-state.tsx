"use client";
// The pill in a scene card's corner: where the scene's prompt or picture task stands.
import { useEffect, useState, type ReactNode } from "react";
import type { LiveTask } from "@/components/runs/use-run-progress";
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
          {`Waiting for the provider's rate limit — next try in ${secondsLeft} s`}
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

/** Whole seconds left until `until` (epoch ms), ticking down; 0 once it has passed or without one. */
export function useSecondsUntil(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

function shorten(text: string) {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
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
    <span title={title} data-testid="scene-state" className={`inline-block max-w-[16rem] ${shape} px-2.5 py-1 text-xs font-medium shadow ${tones[tone]}`}>
      {children}
    </span>
  );
}

// The small coloured pill a card shows in its corner for where its task stands (queued, running,
// waiting on a rate limit, retrying, failed, done), in the same tones everywhere.
import type { ReactNode } from "react";

export const taskTones = {
  idle: "bg-white/90 text-stone-700",
  busy: "bg-indigo-600 text-white",
  wait: "bg-sky-100 text-sky-900",
  warn: "bg-amber-400 text-amber-950",
  error: "bg-red-600 text-white",
  done: "bg-emerald-600 text-white",
};

export type TaskTone = keyof typeof taskTones;

/** What a task held back by the provider's rate limit says: a wait, not a failed attempt. */
export const rateLimitWaitText = (secondsLeft: number) => `Waiting for the provider's rate limit — next try in ${secondsLeft} s`;

export function TaskPill({
  tone,
  title,
  wrap = false,
  testId,
  widthClassName,
  children,
}: {
  tone: TaskTone;
  title?: string;
  /** Long texts wrap on several lines instead of being cut off. */
  wrap?: boolean;
  testId: string;
  /** The pill's max-width class. */
  widthClassName: string;
  children: ReactNode;
}) {
  const shape = wrap ? "rounded-2xl" : "truncate rounded-full";
  return (
    <span title={title} data-testid={testId} className={`inline-block ${widthClassName} ${shape} px-2.5 py-1 text-xs font-medium shadow ${taskTones[tone]}`}>
      {children}
    </span>
  );
}

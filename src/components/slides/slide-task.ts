// Which of a slide's two tasks (its prompt, then its image) says where the slide stands, and why
// it failed; pure, so the rules are testable without React.
import type { LiveTask } from "@/components/runs/live-tasks";

/** The task a slide's state is about: its prompt until that is written, then its image. */
export function currentTask(promptTask: LiveTask | null, imageTask: LiveTask | null): { task: LiveTask; step: "prompt" | "image" } | null {
  if (promptTask && promptTask.status !== "succeeded") return { task: promptTask, step: "prompt" };
  return imageTask ? { task: imageTask, step: "image" } : null;
}

/** Why the slide failed, was skipped or is retrying, in full (the pill is too small for it). */
export function slideProblem(promptTask: LiveTask | null, imageTask: LiveTask | null, serverError: string | null): string | null {
  const current = currentTask(promptTask, imageTask);
  if (!current) return null;
  const { task, step } = current;
  if (task.status === "skipped") return "Skipped: its image prompt could not be written.";
  if (task.status === "failed") return `${step === "prompt" ? "The prompt could not be written" : "The image failed"}: ${task.reason ?? serverError ?? "no reason given"}`;
  if (task.status === "retrying" && task.reason) return `Trying again after: ${task.reason}`;
  return null;
}

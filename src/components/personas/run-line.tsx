"use client";
// One line about the run a persona follows: where it stands, how many of its tasks are done, how
// long it took or about how long is left, with a thin progress bar.
import { useEffect, useState } from "react";
import type { useRunProgress } from "@/components/runs/use-run-progress";
import { formatDuration } from "@/lib/format";

const LABEL = { queued: "Waiting to start", running: "Generating", succeeded: "Done", failed: "Ended with failures", cancelled: "Cancelled" } as const;
const FINISHED = new Set(["succeeded", "failed", "cancelled", "skipped"]);

export function RunLine({ progress, idle = "No run yet." }: { progress: ReturnType<typeof useRunProgress>; idle?: string }) {
  const run = progress.run;
  const active = run?.status === "queued" || run?.status === "running";
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  if (!run) return <span className="text-sm text-stone-500">{idle}</span>;

  const tasks = [...progress.tasks.values()];
  const finished = tasks.filter((task) => FINISHED.has(task.status)).length;
  const done = tasks.filter((task) => task.status === "succeeded").length;
  const total = tasks.length;
  const startedAt = run.startedAt ? new Date(run.startedAt).getTime() : null;
  const elapsed = startedAt ? (run.endedAt ? new Date(run.endedAt).getTime() : now) - startedAt : 0;
  const left = active && finished > 0 && total > finished ? (elapsed / finished) * (total - finished) : null;
  const percent = total ? Math.round((finished / total) * 100) : 0;

  return (
    <div className="min-w-64 flex-1 space-y-1.5">
      <p className="flex flex-wrap gap-x-4 text-sm">
        <span className="font-semibold" data-testid="run-status">
          {LABEL[run.status]}
        </span>
        {progress.queuePosition ? <span className="text-stone-600">Position {progress.queuePosition} in line</span> : null}
        <span className="text-stone-600" data-testid="run-done">
          {done}/{total} tasks done
        </span>
        {startedAt ? <span className="text-stone-600">{active ? "Elapsed" : "Took"} {formatDuration(elapsed)}</span> : null}
        {left !== null ? <span className="text-stone-600">About {formatDuration(left)} left</span> : null}
      </p>
      <div className="h-1.5 overflow-hidden rounded-full bg-stone-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Tasks finished">
        <div className={`h-full rounded-full transition-all ${run.status === "failed" ? "bg-amber-500" : "bg-accent"}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

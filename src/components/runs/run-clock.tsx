"use client";
// What every run panel (a deck's, a story's) shows the same way: the clock that ticks while the
// run is queued or running, the time it has taken and an estimate of what is left, and the run's
// metrics once it has ended.
import { useEffect, useState } from "react";
import { formatDuration } from "@/lib/format";
import type { useRunProgress } from "./use-run-progress";

type Run = NonNullable<ReturnType<typeof useRunProgress>["run"]>;

/** Whether the run is under way, when it started, and how long it has run (ticking each second while active). */
export function useRunClock(run: Run | null) {
  const [now, setNow] = useState(() => Date.now());
  const active = run?.status === "queued" || run?.status === "running";
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  const startedAt = run?.startedAt ? new Date(run.startedAt).getTime() : null;
  const elapsed = startedAt ? (run?.endedAt ? new Date(run.endedAt).getTime() : now) - startedAt : 0;
  return { active, startedAt, elapsed };
}

/** Time left at the pace so far; null before the first task has finished or after the last. */
export function remainingMs(elapsed: number, finished: number, total: number): number | null {
  return finished > 0 && total > finished ? (elapsed / finished) * (total - finished) : null;
}

/** "Elapsed 1m 5s" once the run has started, and "About 30s left" while there is an estimate. */
export function RunTimes({ startedAt, elapsed, remaining }: { startedAt: number | null; elapsed: number; remaining: number | null }) {
  return (
    <>
      {startedAt ? <span className="text-stone-600">Elapsed {formatDuration(elapsed)}</span> : null}
      {remaining !== null ? <span className="text-stone-600">About {formatDuration(remaining)} left</span> : null}
    </>
  );
}

export function RunMetrics({ metrics, testId }: { metrics: NonNullable<Run["metrics"]>; testId?: string }) {
  return (
    <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4" aria-label="Run metrics" data-testid={testId}>
      <Metric label="Wall time" value={formatDuration(metrics.wallMs)} />
      <Metric label="Average per image" value={metrics.averageImageMs === null ? "—" : formatDuration(metrics.averageImageMs)} />
      <Metric label="Speed-up over serial" value={`${metrics.speedUp.toFixed(1)}×`} />
      <Metric label="Retries" value={`${metrics.retries}${metrics.rateLimited ? ` (${metrics.rateLimited} rate-limited)` : ""}`} />
    </dl>
  );
}

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="mt-0.5 font-semibold">{value}</dd>
    </div>
  );
}

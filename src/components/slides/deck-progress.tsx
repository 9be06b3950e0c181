"use client";
// The deck's run at a glance: its place in line while it waits for a free slot, then slides done,
// failures, elapsed and remaining time, and the run's metrics once it has ended.
import { useEffect, useState } from "react";
import type { useRunProgress } from "@/components/runs/use-run-progress";
import { formatDuration } from "@/lib/format";
import { placeInLine } from "./deck-format";

const FINISHED = ["succeeded", "failed", "cancelled", "skipped"];

export function DeckProgress({
  progress,
  queuePosition,
  maxConcurrent,
  deckSlides,
}: {
  progress: ReturnType<typeof useRunProgress>;
  queuePosition: number | null;
  /** Runs the server renders at once (BATCH_MAX_CONCURRENT). */
  maxConcurrent: number | null;
  /** The deck's slide count: a regenerate or retry run covers fewer. */
  deckSlides: number;
}) {
  const [now, setNow] = useState(() => Date.now());
  const run = progress.run;
  const active = run?.status === "queued" || run?.status === "running";
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  if (!run) return null;

  const images = [...progress.tasks.values()].filter((task) => task.key.startsWith("image:"));
  const done = images.filter((task) => task.status === "succeeded").length;
  const failed = images.filter((task) => task.status === "failed" || task.status === "skipped").length;
  const finished = images.filter((task) => FINISHED.includes(task.status)).length;
  const total = images.length;
  const percent = total ? Math.round((finished / total) * 100) : 0;
  const share = (count: number) => `${total ? (count / total) * 100 : 0}%`;
  const startedAt = run.startedAt ? new Date(run.startedAt).getTime() : null;
  const elapsed = startedAt ? (run.endedAt ? new Date(run.endedAt).getTime() : now) - startedAt : 0;
  const remaining = run.status === "running" && finished > 0 && total > finished ? (elapsed / finished) * (total - finished) : null;
  const label = { queued: "Waiting in line", running: "Rendering slides", succeeded: "Done", failed: "Ended with failures", cancelled: "Cancelled" }[run.status];

  return (
    <section aria-label="Deck progress" className="rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
        <span className="font-semibold" data-testid="deck-run-status">
          {label}
        </span>
        {run.status === "queued" && queuePosition !== null ? (
          <span className="rounded-full bg-sky-100 px-3 py-1 font-semibold text-sky-900" data-testid="queue-position" aria-live="polite">
            {placeInLine(queuePosition)}
          </span>
        ) : null}
        <span className="text-stone-600" data-testid="deck-run-done">
          {done}/{total} {total === 1 ? "slide" : "slides"} done
        </span>
        {total > 0 && total < deckSlides ? <span className="text-stone-500">this run: {total} of the deck&apos;s {deckSlides} slides</span> : null}
        {failed ? <span className="text-red-700">{failed} failed</span> : null}
        {startedAt ? <span className="text-stone-600">Elapsed {formatDuration(elapsed)}</span> : null}
        {remaining !== null ? <span className="text-stone-600">About {formatDuration(remaining)} left</span> : null}
      </div>
      {run.status === "queued" ? (
        <p className="mb-3 text-sm text-stone-600">
          {maxConcurrent === 1 ? "This server renders one deck or story at a time" : `This server renders ${maxConcurrent ?? "a few"} decks and stories at once`}
          ; this deck starts by itself when its turn comes.
        </p>
      ) : null}
      <div
        className="flex h-2.5 overflow-hidden rounded-full bg-stone-100"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label="Slides finished"
      >
        {/* Done, failed and cancelled slides each take their share, so a cancelled run does not look complete. */}
        <div className="h-full bg-accent transition-all" style={{ width: share(done) }} />
        <div className="h-full bg-amber-500 transition-all" style={{ width: share(failed) }} />
        <div className="h-full bg-stone-300 transition-all" style={{ width: share(finished - done - failed) }} />
      </div>
      {run.metrics && !active ? (
        <dl className="mt-4 grid grid-cols-2 gap-4 text-sm sm:grid-cols-4" aria-label="Run metrics">
          <Metric label="Wall time" value={formatDuration(run.metrics.wallMs)} />
          <Metric label="Average per image" value={run.metrics.averageImageMs === null ? "—" : formatDuration(run.metrics.averageImageMs)} />
          <Metric label="Speed-up over serial" value={`${run.metrics.speedUp.toFixed(1)}×`} />
          <Metric label="Retries" value={`${run.metrics.retries}${run.metrics.rateLimited ? ` (${run.metrics.rateLimited} rate-limited)` : ""}`} />
        </dl>
      ) : null}
    </section>
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

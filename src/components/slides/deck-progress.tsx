"use client";
// The deck's run at a glance: its place in line while it waits for a free slot, then slides done,
// failures, elapsed and remaining time, and the run's metrics once it has ended.
import { remainingMs, RunMetrics, RunTimes, useRunClock } from "@/components/runs/run-clock";
import type { useRunProgress } from "@/components/runs/use-run-progress";
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
  const run = progress.run;
  const { active, startedAt, elapsed } = useRunClock(run);
  if (!run) return null;

  const images = [...progress.tasks.values()].filter((task) => task.key.startsWith("image:"));
  const done = images.filter((task) => task.status === "succeeded").length;
  const failed = images.filter((task) => task.status === "failed" || task.status === "skipped").length;
  const finished = images.filter((task) => FINISHED.includes(task.status)).length;
  const total = images.length;
  const percent = total ? Math.round((finished / total) * 100) : 0;
  const share = (count: number) => `${total ? (count / total) * 100 : 0}%`;
  const remaining = run.status === "running" ? remainingMs(elapsed, finished, total) : null;
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
        <RunTimes startedAt={startedAt} elapsed={elapsed} remaining={remaining} />
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
      {run.metrics && !active ? <RunMetrics metrics={run.metrics} /> : null}
    </section>
  );
}

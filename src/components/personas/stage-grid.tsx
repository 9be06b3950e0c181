"use client";
// A persona's stages at a glance: where each stands (queued, running, waiting for the provider's
// rate limit, done, failed with its reason, skipped because an input failed), with "Retry stage"
// on a failed one. The full grid is the persona page's; the compact one is a batch row's.
import type { ReactNode } from "react";
import { useSecondsUntil } from "@/components/runs/use-seconds-until";
import { Button } from "@/components/ui/button";
import type { CellStatus, LiveCell, Stage } from "./live-stages";

const tones: Record<CellStatus, string> = {
  "not-started": "bg-stone-100 text-stone-600",
  queued: "bg-stone-100 text-stone-700",
  running: "bg-indigo-600 text-white",
  waiting: "bg-sky-100 text-sky-900",
  succeeded: "bg-emerald-600 text-white",
  failed: "bg-red-600 text-white",
  skipped: "bg-amber-100 text-amber-900",
  cancelled: "bg-stone-200 text-stone-700",
  off: "bg-stone-100 text-stone-500",
};

const labels: Record<CellStatus, string> = {
  "not-started": "Not started",
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  succeeded: "Done",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
  off: "Off",
};

/** The status in words, as the badge shows it (a wait counts down to its next try). */
export function StageStatusBadge({ cell }: { cell: LiveCell }) {
  const secondsLeft = useSecondsUntil(cell.status === "waiting" ? cell.waitUntil : null);
  let text = labels[cell.status];
  if (cell.status === "waiting") text = secondsLeft > 0 ? `Waiting for the rate limit · next try in ${secondsLeft} s` : "Running";
  if (cell.status === "running" && cell.posts) text = `Running · ${cell.posts.done}/${cell.posts.total}`;
  const tone = cell.status === "waiting" && secondsLeft === 0 ? tones.running : tones[cell.status];
  return (
    <span data-testid="stage-status" className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ${tone}`}>
      {cell.status === "running" || (cell.status === "waiting" && secondsLeft === 0) ? (
        <span className="size-2.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />
      ) : null}
      {text}
    </span>
  );
}

export interface RetryControl {
  onRetry: (stage: Stage) => void;
  pendingStage: Stage | null;
  /** Why retrying is not possible (no edit rights, a run still going); null when it is. */
  disabledReason: string | null;
}

export function StageGrid({ cells, retry, label = "Stages" }: { cells: LiveCell[]; retry?: RetryControl; label?: string }) {
  return (
    <ol aria-label={label} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
      {cells.map((cell) => (
        <li
          key={cell.stage}
          data-testid="stage-cell"
          data-stage={cell.stage}
          data-status={cell.status}
          aria-label={`Stage ${cell.number}: ${cell.label}`}
          className={`flex flex-col gap-2 rounded-xl border bg-white p-3 shadow-sm ${cell.status === "failed" ? "border-red-200" : "border-stone-200"}`}
        >
          <div className="flex items-baseline gap-2">
            <span className="grid size-6 shrink-0 place-items-center rounded-full bg-stone-100 text-xs font-semibold text-stone-700">{cell.number}</span>
            <a href={`#stage-${cell.stage}`} className="min-w-0 truncate text-sm font-medium hover:text-accent">
              {cell.label}
            </a>
          </div>
          <div>
            <StageStatusBadge cell={cell} />
          </div>
          {cell.reason && cell.status !== "waiting" ? <p className="text-xs leading-snug text-stone-600">{cell.reason}</p> : null}
          {cell.status === "failed" && retry ? <RetryStageButton cell={cell} retry={retry} variant="secondary" className="mt-auto self-start px-3 py-1 text-xs" /> : null}
        </li>
      ))}
    </ol>
  );
}

const dotTones: Record<CellStatus, string> = {
  ...tones,
  queued: "bg-stone-200 text-stone-700",
  "not-started": "bg-white text-stone-500 border border-stone-300",
};

/** One row of small tiles, one per stage, for a persona of a batch; the reasons follow below. */
export function CompactStageGrid({ cells, retry, children }: { cells: LiveCell[]; retry?: RetryControl; children?: ReactNode }) {
  const problems = cells.filter((cell) => (cell.status === "failed" || cell.status === "skipped") && cell.reason);
  return (
    <div>
      <ol className="flex flex-wrap gap-1" aria-label="Stages">
        {cells.map((cell) => (
          <li
            key={cell.stage}
            data-testid="stage-cell"
            data-stage={cell.stage}
            data-status={cell.status}
            title={`${cell.number}. ${cell.label}: ${labels[cell.status]}${cell.reason ? ` — ${cell.reason}` : ""}`}
            className={`grid h-6 min-w-6 place-items-center rounded-md px-1 text-xs font-semibold ${dotTones[cell.status]} ${cell.status === "running" ? "animate-pulse" : ""}`}
          >
            <span aria-hidden>{cell.number}</span>
            <span className="sr-only">
              {cell.label}: {labels[cell.status]}
            </span>
          </li>
        ))}
      </ol>
      {problems.length ? (
        <ul className="mt-1.5 space-y-0.5 text-xs text-stone-600">
          {problems.map((cell) => (
            <li key={cell.stage} className="flex flex-wrap items-baseline gap-x-2">
              <span>
                <span className="font-medium">{cell.label}:</span> {cell.reason}
              </span>
              {cell.status === "failed" && retry ? (
                <RetryStageButton cell={cell} retry={retry} variant="ghost" className="px-1.5 py-0 text-xs text-accent" aria-label={`Retry ${cell.label}`} />
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </div>
  );
}

function RetryStageButton({
  cell,
  retry,
  variant,
  className,
  "aria-label": ariaLabel,
}: {
  cell: LiveCell;
  retry: RetryControl;
  variant: "secondary" | "ghost";
  className: string;
  "aria-label"?: string;
}) {
  return (
    <Button
      variant={variant}
      className={className}
      onClick={() => retry.onRetry(cell.stage)}
      pending={retry.pendingStage === cell.stage}
      disabled={retry.disabledReason !== null}
      title={retry.disabledReason ?? undefined}
      aria-label={ariaLabel}
    >
      Retry stage
    </Button>
  );
}

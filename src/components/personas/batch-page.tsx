"use client";
// A batch's page: every persona's stage grid filling in live over Server-Sent Events (one run for
// the whole batch), done / failed counts, about how long is left, cancelling what still runs, and
// retries of the failed (or cancelled) personas all at once, one persona, or one stage.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { useRunProgress } from "@/components/runs/use-run-progress";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { PersonaIcon } from "@/components/ui/icons";
import { formatDuration } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";
import { isActiveRun, liveGrid, type Stage } from "./live-stages";
import { messageOf } from "./persona-errors";
import { CompactStageGrid } from "./stage-grid";

type Batch = RouterOutputs["persona"]["batches"]["get"];
type Entry = Batch["personas"][number];
type Filter = "all" | Entry["state"];

const STATE: Record<Entry["state"], { label: string; tone: string }> = {
  done: { label: "Done", tone: "bg-emerald-100 text-emerald-900" },
  failed: { label: "Failed", tone: "bg-red-100 text-red-800" },
  cancelled: { label: "Cancelled", tone: "bg-stone-200 text-stone-700" },
  running: { label: "Running", tone: "bg-indigo-100 text-indigo-800" },
  pending: { label: "Pending", tone: "bg-stone-100 text-stone-700" },
};
const BUSY = "Wait for the batch's run to end";

export function BatchPage({ batchId }: { batchId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const batchKey = trpc.persona.batches.get.queryKey({ batchId });
  // A persona retried on its own runs outside the batch's run: polled while anything still runs.
  const batch = useQuery(
    trpc.persona.batches.get.queryOptions(
      { batchId },
      { refetchInterval: (query) => ((query.state.data?.counts.running ?? 0) > 0 || isActiveRun(query.state.data?.run?.status) ? 3000 : false) },
    ),
  );
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>("all");

  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refreshBatch = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => {
      refetchTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: batchKey });
    }, 600);
  }, [queryClient, batchKey]);
  useEffect(() => () => void (refetchTimer.current && clearTimeout(refetchTimer.current)), []);

  const progress = useRunProgress(batch.data?.run?.id ?? null, {
    onEvent(event) {
      if (event.type === "task-end" || event.type === "run-end") refreshBatch();
    },
  });
  const changed = async () => {
    setError(null);
    await queryClient.invalidateQueries({ queryKey: batchKey });
  };
  const onError = (failure: unknown) => setError(messageOf(failure));
  const retryBatch = useMutation(trpc.persona.batches.retryFailed.mutationOptions({ onSuccess: changed, onError }));
  const retryPersona = useMutation(trpc.persona.retryFailed.mutationOptions({ onSuccess: changed, onError }));
  const cancelBatch = useMutation(trpc.persona.batches.cancel.mutationOptions({ onSuccess: changed, onError }));

  if (batch.error) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-2xl font-semibold">Batch not found</h1>
        <p className="mt-2 text-stone-600">It may belong to a team you are not in.</p>
      </div>
    );
  }
  if (!batch.data) return <div className="h-96 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading batch" />;

  const data = batch.data;
  const active = isActiveRun(progress.run?.status ?? data.run?.status);
  const shown = data.personas.filter((persona) => filter === "all" || persona.state === filter);
  const retryable = (persona: Entry) => (persona.state === "failed" || persona.state === "cancelled") && persona.canEdit;
  const canRetrySome = data.personas.some(retryable);
  const anyFailed = data.personas.some((persona) => persona.state === "failed" && persona.canEdit);

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <p className="text-sm text-stone-500">
            <Link href="/personas" className="hover:underline">
              Personas
            </Link>{" "}
            · Batch
          </p>
          <h1 className="text-3xl font-semibold tracking-tight">
            {data.counts.total} personas from {data.source === "mixed" ? "pictures and descriptions" : `${data.source}s`}
          </h1>
          <p className="mt-1 text-sm text-stone-600">Started {data.createdAt.toLocaleString()} · one run for the whole batch, sharing the provider budget with everything else.</p>
        </div>
        {active && data.canCancel ? (
          <Button
            variant="danger"
            pending={cancelBatch.isPending}
            onClick={() => {
              if (window.confirm("Cancel this batch? Stages already done are kept; the rest stop and can be retried later.")) cancelBatch.mutate({ batchId });
            }}
          >
            Cancel batch
          </Button>
        ) : null}
        {canRetrySome ? (
          <Button variant="secondary" onClick={() => retryBatch.mutate({ batchId })} pending={retryBatch.isPending} disabled={active} title={active ? BUSY : undefined}>
            {anyFailed ? "Retry failed personas" : "Resume cancelled personas"}
          </Button>
        ) : null}
      </header>

      <BatchProgress batch={data} />
      <FormError message={error} />

      <div role="group" aria-label="Show" className="flex flex-wrap gap-1 text-sm">
        {(["all", "running", "failed", ...(data.counts.cancelled ? (["cancelled"] as const) : []), "done", "pending"] as const).map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={filter === value}
            onClick={() => setFilter(value)}
            className="rounded-lg px-3 py-1 text-stone-600 hover:bg-stone-100 aria-pressed:bg-stone-900 aria-pressed:text-white"
          >
            {value === "all" ? `All ${data.counts.total}` : `${STATE[value].label} ${data.counts[value]}`}
          </button>
        ))}
      </div>

      <ul className="space-y-2" aria-label="Personas of the batch">
        {shown.map((persona) => (
          <li key={persona.id} data-testid="batch-persona" className="flex flex-wrap items-start gap-4 rounded-2xl border border-stone-200 bg-white p-3 shadow-sm">
            <div className="grid size-12 shrink-0 place-items-center overflow-hidden rounded-xl bg-indigo-50">
              {persona.avatarImageId ? (
                // eslint-disable-next-line @next/next/no-img-element -- private, membership-checked images
                <img src={`/api/images/${persona.avatarImageId}?variant=thumbnail`} alt="" className="size-full object-cover" />
              ) : (
                <PersonaIcon className="size-6 text-indigo-300" />
              )}
            </div>
            <div className="w-48 min-w-0">
              <Link href={`/personas/${persona.id}`} className="block truncate font-medium hover:text-accent">
                {persona.name}
              </Link>
              <span className={`mt-1 inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATE[persona.state].tone}`}>{STATE[persona.state].label}</span>
            </div>
            <div className="min-w-0 flex-1">
              <CompactStageGrid
                cells={liveGrid(persona.id, persona.grid, progress.tasks)}
                retry={
                  persona.canEdit
                    ? {
                        onRetry: (stage: Stage) => retryPersona.mutate({ personaId: persona.id, stages: [stage] }),
                        pendingStage: retryPersona.isPending && retryPersona.variables?.personaId === persona.id ? (retryPersona.variables.stages?.[0] ?? null) : null,
                        disabledReason: active ? BUSY : null,
                      }
                    : undefined
                }
              />
            </div>
            {retryable(persona) ? (
              <Button
                variant="secondary"
                className="px-3 py-1 text-xs"
                onClick={() => retryPersona.mutate({ personaId: persona.id })}
                pending={retryPersona.isPending && retryPersona.variables?.personaId === persona.id && !retryPersona.variables.stages}
                disabled={active}
                title={active ? BUSY : undefined}
              >
                {persona.state === "cancelled" ? "Resume persona" : "Retry persona"}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {!shown.length ? <p className="text-sm text-stone-500">No persona of this batch is {filter} right now.</p> : null}
    </div>
  );
}

function BatchProgress({ batch }: { batch: Batch }) {
  const active = isActiveRun(batch.run?.status);
  // The server's estimate is as of its answer; it counts down here until the next one.
  const [received, setReceived] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setReceived(Date.now()), [batch.estimatedMsLeft]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  const { counts } = batch;
  const finished = counts.done + counts.failed + counts.cancelled;
  const percent = counts.total ? Math.round((finished / counts.total) * 100) : 0;
  const left = batch.estimatedMsLeft === null ? null : Math.max(0, batch.estimatedMsLeft - (now - received));
  const run = batch.run;
  const took = run?.startedAt && run.endedAt && !active ? run.endedAt.getTime() - run.startedAt.getTime() : null;

  return (
    <section aria-label="Batch progress" className="rounded-2xl border border-stone-200 bg-white p-5 shadow-sm">
      <dl className="mb-3 flex flex-wrap gap-x-8 gap-y-2 text-sm">
        <Count label="Done" value={counts.done} testId="batch-done" />
        <Count label="Failed" value={counts.failed} testId="batch-failed" />
        {counts.cancelled ? <Count label="Cancelled" value={counts.cancelled} testId="batch-cancelled" /> : null}
        <Count label="Running" value={counts.running} />
        <Count label="Pending" value={counts.pending} />
        <div>
          <dt className="text-xs uppercase tracking-wide text-stone-500">{active ? "Time left" : "Took"}</dt>
          <dd className="font-semibold" data-testid="batch-time">
            {active ? (left === null ? "Estimating…" : `About ${formatDuration(left)}`) : took !== null ? formatDuration(took) : "—"}
          </dd>
        </div>
      </dl>
      <div className="h-2.5 overflow-hidden rounded-full bg-stone-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Personas finished">
        <div className={`h-full rounded-full transition-all ${counts.failed ? "bg-amber-500" : "bg-accent"}`} style={{ width: `${percent}%` }} />
      </div>
    </section>
  );
}

function Count({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="font-semibold" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

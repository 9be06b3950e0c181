"use client";
// "Validate configuration": what a batch of { slides, max workers } sent now will meet — clamped
// workers, a place in line, likely 429s at the learned rate — in the server's own words.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ordinal } from "@/components/slides/deck-format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { formatDuration } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { latencyText, limitSeenText, rateText, REFRESH_MS } from "./operations-format";

export function ValidateForm() {
  const trpc = useTRPC();
  const [asked, setAsked] = useState<{ slides: number; maxWorkers?: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const answer = useQuery(
    trpc.operations.validate.queryOptions(asked ?? { slides: 1 }, { enabled: asked !== null, refetchInterval: REFRESH_MS, placeholderData: keepPreviousData }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const slides = Number(form.get("slides"));
    const workersText = String(form.get("maxWorkers") ?? "").trim();
    const maxWorkers = workersText === "" ? undefined : Number(workersText);
    if (!Number.isInteger(slides) || slides < 1) return setError("Slides must be a whole number, at least 1.");
    if (maxWorkers !== undefined && (!Number.isInteger(maxWorkers) || maxWorkers < 1)) return setError("Workers must be a whole number, at least 1.");
    setError(null);
    setAsked({ slides, maxWorkers });
  }

  const data = answer.data;
  return (
    <Card className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">Validate configuration</h2>
        <p className="text-sm text-stone-600">What a deck of this size would meet if it were sent now.</p>
      </div>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3" aria-label="Validate configuration">
        <TextField label="Slides" name="slides" type="number" min={1} defaultValue={20} className="w-28" />
        <TextField label="Max workers" name="maxWorkers" type="number" min={1} placeholder="default" className="w-32" />
        <Button type="submit" className="mt-6" pending={answer.isFetching && !data}>
          Validate
        </Button>
      </form>
      <FormError message={error ?? answer.error?.message} />
      {data ? (
        <div className="space-y-3" data-testid="validate-answer">
          <p className="text-sm font-medium">
            {data.overSlideLimit
              ? `Would be refused: over the limit of ${data.limits.maxSlides} slides per deck.`
              : data.queue.startsNow
                ? `Would start now with ${data.workers} ${data.workers === 1 ? "worker" : "workers"}.`
                : `Would wait ${ordinal(data.queue.position ?? 1)} in line, then run with ${data.workers} ${data.workers === 1 ? "worker" : "workers"}.`}
          </p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm">
            <dt className="text-stone-500">Workers</dt>
            <dd>
              {data.workers}
              {data.clamped ? ` (clamped from ${data.requestedWorkers})` : data.requestedWorkers === null ? " (the default)" : ""}
            </dd>
            <dt className="text-stone-500">Runs active / waiting</dt>
            <dd>
              {data.queue.runsActive} / {data.queue.runsWaiting}
            </dd>
            <dt className="text-stone-500">429s likely</dt>
            <dd>{data.rateLimit.likely === null ? "unknown: no learned rate yet" : data.rateLimit.likely ? "yes" : "no"}</dd>
            <dt className="text-stone-500">Recommended workers</dt>
            <dd>
              {data.rateLimit.recommendedWorkers} ({data.rateLimit.basis === "measured" ? "from measurements" : "the default; nothing measured"})
            </dd>
            <dt className="text-stone-500">Rendering time, once started</dt>
            <dd>{data.estimatedSeconds === null ? "unknown: no latency measured yet" : `about ${formatDuration(data.estimatedSeconds * 1000)}`}</dd>
            <dt className="text-stone-500">Image budget</dt>
            <dd>
              {rateText(data.measurement)} · {latencyText(data.measurement)} · {limitSeenText(data.measurement)}
            </dd>
          </dl>
          {data.warnings.length ? (
            <ul className="space-y-1.5" aria-label="Warnings">
              {data.warnings.map((warning) => (
                <li key={warning} className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
                  {warning}
                </li>
              ))}
            </ul>
          ) : (
            <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">Nothing to warn about.</p>
          )}
        </div>
      ) : null}
    </Card>
  );
}

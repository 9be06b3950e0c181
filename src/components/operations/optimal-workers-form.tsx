"use client";
// "Optimal workers": useful workers ≈ r·L (learned rate × latency), capped by the limits, for a
// slide count — with the measurements the answer rests on.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import { latencyText, limitSeenText, rateText, REFRESH_MS } from "./operations-format";

export function OptimalWorkersForm() {
  const trpc = useTRPC();
  const [slides, setSlides] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const answer = useQuery(
    trpc.operations.optimalWorkers.queryOptions({ slides: slides ?? 1 }, { enabled: slides !== null, refetchInterval: REFRESH_MS, placeholderData: keepPreviousData }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = Number(new FormData(event.currentTarget).get("slides"));
    if (!Number.isInteger(value) || value < 1) return setError("Slides must be a whole number, at least 1.");
    setError(null);
    setSlides(value);
  }

  const data = answer.data;
  return (
    <Card className="space-y-4">
      <div>
        <h2 className="text-lg font-semibold">Optimal workers</h2>
        <p className="text-sm text-stone-600">
          With a learned rate r (images per second the provider allows) and round trip L (seconds per image), about r·L workers keep
          the provider busy; more only wait. Once the provider has refused calls, the window it sustains is that r·L.
        </p>
      </div>
      <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3" aria-label="Optimal workers">
        <TextField label="Slides" name="slides" type="number" min={1} defaultValue={20} className="w-28" />
        <Button type="submit" className="mt-6" pending={answer.isFetching && !data}>
          Compute
        </Button>
      </form>
      <FormError message={error ?? answer.error?.message} />
      {data ? (
        <div className="space-y-3" data-testid="optimal-answer">
          <p className="flex items-baseline gap-3">
            <span className="text-4xl font-semibold tabular-nums">{data.workers}</span>
            <span className="text-sm text-stone-600">
              {data.workers === 1 ? "worker" : "workers"} for {data.slides} {data.slides === 1 ? "slide" : "slides"} ·{" "}
              <span className={data.basis === "measured" ? "text-emerald-800" : "text-amber-800"}>
                {data.basis === "measured" ? "from measurements" : "the default: not enough measured"}
              </span>
            </span>
          </p>
          <p className="text-sm text-stone-700">{data.reason}</p>
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1 text-sm" aria-label="Measurements">
            <dt className="text-stone-500">Budget</dt>
            <dd>
              {data.measurement.name} · {data.measurement.identity}
            </dd>
            <dt className="text-stone-500">Learned rate r</dt>
            <dd>{rateText(data.measurement)}</dd>
            <dt className="text-stone-500">Latency L</dt>
            <dd>{latencyText(data.measurement)}</dd>
            <dt className="text-stone-500">Window now</dt>
            <dd>
              {data.measurement.window} in flight · {limitSeenText(data.measurement)}
            </dd>
            <dt className="text-stone-500">r·L</dt>
            <dd>{data.usefulWorkers === null ? "—" : data.usefulWorkers.toFixed(1)}</dd>
            <dt className="text-stone-500">Caps</dt>
            <dd>
              {data.limits.maxWorkers} workers (BATCH_MAX_WORKERS) · {data.measurement.cap} image calls at once
            </dd>
          </dl>
        </div>
      ) : null}
    </Card>
  );
}

"use client";
// Operations: the server's generation load right now (decks and runs generating and waiting,
// workers in use, every budget's window and what the engine has measured), what a proposed batch
// will meet, and how many workers are useful. Aggregates only; refreshed every few seconds.
import { useQuery } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/router-types";
import { latencyText, limitSeenText, rateText, REFRESH_MS } from "./operations-format";
import { OptimalWorkersForm } from "./optimal-workers-form";
import { ValidateForm } from "./validate-form";

type Active = RouterOutputs["operations"]["active"];
type Measurement = Active["budgets"][number];

export function OperationsPage() {
  const trpc = useTRPC();
  const active = useQuery(trpc.operations.active.queryOptions(undefined, { refetchInterval: REFRESH_MS }));

  if (active.error) {
    const forbidden = active.error.data?.code === "FORBIDDEN";
    return forbidden ? (
      <div className="py-16 text-center">
        <h1 className="text-2xl font-semibold">Operations are for owners and admins</h1>
        <p className="mt-2 text-stone-600">Switch to a team you own or administer to see the server&apos;s generation load.</p>
      </div>
    ) : (
      <FormError message={active.error.message} />
    );
  }

  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-stone-500">Operations</p>
        <h1 className="text-3xl font-semibold tracking-tight">Generation load</h1>
        <p className="mt-1 max-w-3xl text-sm text-stone-600">
          Counts over the whole server, for every team; no team&apos;s decks are named. Refreshed every {REFRESH_MS / 1000} seconds
          {active.dataUpdatedAt ? <> — last at {new Date(active.dataUpdatedAt).toLocaleTimeString()}</> : null}.
        </p>
      </div>
      {active.data ? <ActiveCounts data={active.data} /> : <div className="h-40 animate-pulse rounded-2xl bg-stone-100" aria-label="Loading the load" />}
      <div className="grid gap-6 lg:grid-cols-2">
        <ValidateForm />
        <OptimalWorkersForm />
      </div>
    </div>
  );
}

function ActiveCounts({ data }: { data: Active }) {
  const { limits } = data;
  return (
    <>
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5" aria-label="Active count" data-testid="active-count">
        <Stat label="Decks generating" value={data.decks.generating} />
        <Stat label="Decks waiting" value={data.decks.waiting} />
        <Stat label="Runs active" value={`${data.runs.active} / ${limits.maxConcurrentRuns}`} note="all workloads; the most at once" />
        <Stat label="Runs waiting" value={data.runs.waiting} />
        <Stat label="Workers in use" value={data.workersInUse} note="slides being worked on now" />
      </dl>

      <Card>
        <h2 className="text-lg font-semibold">Budgets</h2>
        <p className="text-sm text-stone-600">
          Provider calls in flight per budget. The window is what the engine allows the provider now, learned from its answers and
          429s per provider model; a learned rate means the engine paces calls instead of steering by the window.
        </p>
        <div className="mt-4 overflow-x-auto">
          <table className="w-full min-w-[40rem] text-left text-sm" aria-label="Budgets">
            <thead className="border-y border-stone-100 bg-stone-50 text-xs uppercase tracking-wide text-stone-500">
              <tr>
                <th className="px-3 py-2 font-medium">Budget</th>
                <th className="px-3 py-2 font-medium">In flight / window / cap</th>
                <th className="px-3 py-2 font-medium">Learned rate</th>
                <th className="px-3 py-2 font-medium">Round trip</th>
                <th className="px-3 py-2 font-medium">Provider limit</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {data.budgets.map((budget) => (
                <tr key={budget.name}>
                  <td className="px-3 py-3">
                    <span className="font-medium">{budget.name}</span>
                    <span className="block text-xs text-stone-500">{budget.identity}</span>
                  </td>
                  <td className="px-3 py-3">
                    <WindowBar budget={budget} />
                  </td>
                  <td className="px-3 py-3">{rateText(budget)}</td>
                  <td className="px-3 py-3">{latencyText(budget)}</td>
                  <td className="px-3 py-3">{limitSeenText(budget)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-4 text-xs text-stone-500">
          Limits: {limits.maxSlides} slides per deck · {limits.defaultWorkers} workers by default, at most {limits.maxWorkers} · {limits.maxConcurrentRuns}{" "}
          {limits.maxConcurrentRuns === 1 ? "run" : "runs"} at once.
        </p>
      </Card>
    </>
  );
}

function WindowBar({ budget }: { budget: Measurement }) {
  const percent = (value: number) => `${Math.min(100, (value / Math.max(1, budget.cap)) * 100)}%`;
  return (
    <div className="flex items-center gap-3">
      <div className="relative h-2 w-32 overflow-hidden rounded-full bg-stone-100" aria-hidden>
        <div className="absolute inset-y-0 left-0 bg-indigo-200" style={{ width: percent(budget.window) }} />
        <div className="absolute inset-y-0 left-0 bg-accent" style={{ width: percent(budget.inFlight) }} />
      </div>
      <span className="tabular-nums">
        {budget.inFlight} / {budget.window} / {budget.cap}
      </span>
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: number | string; note?: string }) {
  return (
    <div className="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {note ? <dd className="text-xs text-stone-500">{note}</dd> : null}
    </div>
  );
}

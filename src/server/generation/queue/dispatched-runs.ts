// The parts of an engine that dispatches its runs to worker processes (engine options'
// `dispatcher`) that read what the workers do: from the database, the bus and the queue.
import { AppError } from "@/server/errors";
import type { BudgetStatus, EngineStatus } from "../engine-api";
import type { RunEventBus } from "../events/event-bus";
import type { RunReader } from "../storage/run-reader";
import { TERMINAL_RUN_STATUSES, type SubmitRunRequest, type TaskKind } from "../types";
import type { RunDispatcher } from "./run-dispatcher";

/** status() of an engine that dispatches: the queue's counts, and the budgets the workers report. */
export function dispatchedStatus(dispatcher: RunDispatcher, own: Record<TaskKind, BudgetStatus>): EngineStatus {
  const { active, waiting } = dispatcher.counts();
  const workers = dispatcher.workerBudgets();
  const inFlight: Record<TaskKind, number> = {};
  const windows: Record<TaskKind, number> = {};
  const budgets: Record<TaskKind, BudgetStatus> = {};
  for (const [name, mine] of Object.entries(own)) {
    const reported = workers.map((worker) => worker.budgets[name]).filter((budget) => budget !== undefined);
    // Shared budgets (limits/shared/) report every process's numbers: take the newest reading.
    // Budgets a worker keeps for itself add up to what the workers allow together.
    const shared = reported.some((budget) => budget.shared);
    const sum = (pick: (budget: (typeof reported)[number]) => number) =>
      shared ? Math.max(0, ...reported.map(pick)) : reported.reduce((total, budget) => total + pick(budget), 0);
    const rates = reported.map((budget) => budget.ratePerSecond).filter((rate) => rate !== null);
    const trips = reported.map((budget) => budget.roundTripMs).filter((trip) => trip !== null);
    const limits = reported.map((budget) => budget.limitSeen).filter((limit) => limit !== null);
    budgets[name] = {
      identity: reported[0]?.identity ?? mine.identity,
      cap: sum((budget) => budget.cap),
      inFlight: sum((budget) => budget.inFlight),
      window: sum((budget) => budget.window),
      ratePerSecond: rates.length > 0 ? (shared ? Math.max(...rates) : rates.reduce((total, rate) => total + rate, 0)) : null,
      roundTripMs: trips.length > 0 ? Math.max(...trips) : null,
      limitSeen: limits.length > 0 ? (shared ? Math.max(...limits) : limits.reduce((total, limit) => total + limit, 0)) : null,
      ...(shared ? { shared: true } : {}),
    };
    inFlight[name] = budgets[name].inFlight;
    windows[name] = budgets[name].window;
  }
  return { activeRuns: active, waitingRuns: waiting, inFlight, windows, budgets };
}
/** Refuses a second active run of the same subject, as the database knows them (runs live in other processes). */
export async function assertNoActiveStoredRun(
  reader: RunReader,
  subjectId: string | null,
  exclusive: SubmitRunRequest["exclusiveSubject"],
  except?: string,
): Promise<void> {
  if (!exclusive || subjectId === null) return;
  if ((await reader.activeRunIdsOf(subjectId)).some((id) => id !== except)) {
    const message = typeof exclusive === "object" ? exclusive.conflictMessage : "Another run of the same subject is still active";
    throw new AppError("CONFLICT", message);
  }
}

/** Resolves once the stored run has ended (a run-end heard on the bus, or read), or after `timeoutMs`. */
export async function storedRunEnded(bus: RunEventBus, reader: RunReader, runId: string, timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
  let wake!: () => void;
  const heard = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = bus.subscribe(runId, (event) => {
    if (event.type === "run-end") wake();
  });
  const timer = Number.isFinite(timeoutMs) ? setTimeout(wake, timeoutMs) : null;
  try {
    // Listening before reading: a run-end committed after the read is heard.
    await bus.ready?.(runId);
    const status = (await reader.statuses([runId])).get(runId);
    if (status === undefined || TERMINAL_RUN_STATUSES.has(status)) return;
    await heard;
  } finally {
    if (timer) clearTimeout(timer);
    unsubscribe();
  }
}

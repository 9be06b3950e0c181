// The generation engine's public API: runs DAGs of provider-backed tasks under three bounds
// (runs at once, workers per run, a global adaptive budget per kind of call), retries what the
// provider says is retryable, stores every state change with a numbered event, and resumes after
// a restart without redoing what already succeeded.
//
// Design: a task's execute() runs once per task; the provider calls it makes through
// context.callProvider are the unit that is limited, timed out and retried. That keeps retries
// and limits in the engine while a task stays free to make several calls (e.g. a repair call) or
// none. A task holds one of its run's workers from start to end, and a slot of the global budget
// only while a request is in flight; the two are always taken in that order and neither is ever
// awaited while the same one is held.
//
// The parts: runs/admission.ts (runs at once), runs/run-machine.ts (one run's DAG),
// runs/task-execution.ts (a task's context and provider calls), storage/ (the writer and the
// reader), events/ (the bus and followers). This file wires them and keeps the live runs.
import { AppError, notFound } from "@/server/errors";
import type { BudgetStatus, Engine, EngineOptions, EngineStatus } from "./engine-api";
import { createBudgets } from "./limits/budgets";
import { systemClock } from "./clock";
import { clampWorkers, DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "./engine-settings";
import { createInProcessEventBus } from "./events/event-bus";
import { assertNoActiveStoredRun, dispatchedStatus, storedRunEnded } from "./queue/dispatched-runs";
import { Admission } from "./runs/admission";
import { RunMachine } from "./runs/run-machine";
import { RunRecorder } from "./runs/run-recorder";
import { addTasks, createRunState, runDetails, type RunState } from "./runs/run-state";
import { validateTaskSpecs } from "./runs/task-graph";
import { createPrismaBatchWriter } from "./storage/prisma-batch-writer";
import { createPrismaRunReader } from "./storage/run-reader";
import { createRunStore } from "./storage/run-store";
import { TaskTypeRegistry } from "./task-types";
import { ACTIVE_RUN_STATUSES, TERMINAL_RUN_STATUSES, type RunStatus, type SubmitRunRequest, type TaskKind } from "./types";

export type { BudgetStatus, Engine, EngineOptions, EngineStatus } from "./engine-api";


class RunCancelled extends Error {
  constructor() {
    super("The run was cancelled");
    this.name = "RunCancelled";
  }
}

export class EngineShutdown extends Error {
  constructor() {
    super("The engine is shutting down");
    this.name = "EngineShutdown";
  }
}

/** How long cancelling a run held by a worker process waits to see its end. */
const CANCEL_WAIT_MS = 5_000;


export function createEngine(options: EngineOptions): Engine {
  const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  const clock = options.clock ?? systemClock;
  const bus = options.bus ?? createInProcessEventBus();
  const reader = options.reader ?? createPrismaRunReader(options.db);
  const dispatcher = options.dispatcher ?? null;

  /** Runs this process manages: waiting in line, active, or waiting for their task types. */
  const runs = new Map<string, RunState>();
  /** Ended runs whose end is not yet committed, so waitForRun does not read a stale row. */
  const endings = new Map<string, Promise<void>>();
  const waiters = new Map<string, Array<() => void>>();
  /** Stops executeRun's waits when the engine shuts down or lets their run go (executeRun rejects). */
  const holdWaiters = new Set<{ runId: string; stop: () => void }>();

  const budgetSet = createBudgets(settings, { now: clock.now, store: options.limits, shared: options.sharedBudgets });
  const budgets = budgetSet.byName;
  const taskTypes = new TaskTypeRegistry(new Set(budgets.keys()));

  const writer = options.writer ?? createPrismaBatchWriter(options.db);
  const store = createRunStore(writer, {
    writeIntervalMs: settings.writeIntervalMs,
    onCommit(events) {
      for (const event of events) bus.publish(event);
    },
    onError(error) {
      console.error("The generation engine could not write its state", error);
    },
  });
  const recorder = new RunRecorder(store, clock);

  const machine: RunMachine = new RunMachine({
    clock,
    recorder,
    taskTypes,
    execution: { settings, clock, random: options.random ?? Math.random, budgets, recorder },
    onRunEnd: ended,
  });
  const admission = new Admission({
    maxConcurrentRuns: settings.maxConcurrentRuns,
    recorder,
    canRun: (run) => [...run.tasks.values()].every((task) => taskTypes.has(task.type)),
    start: (run) => machine.start(run),
  });

  function ended(run: RunState): void {
    runs.delete(run.id);
    const ending = store.committed().then(
      () => {},
      () => {},
    );
    endings.set(run.id, ending);
    void ending.then(() => {
      endings.delete(run.id);
      for (const wake of waiters.get(run.id) ?? []) wake();
      waiters.delete(run.id);
    });
    admission.leave(run);
  }

  function assertOpen(): void {
    if (machine.closed) throw new AppError("CONFLICT", "The generation engine is shutting down");
  }

  /** Refuses a second active run of the same subject, when the request asks for that. */
  function assertSubjectFree(subjectId: string | null, exclusive: SubmitRunRequest["exclusiveSubject"], except?: string): void {
    if (!exclusive || subjectId === null) return;
    for (const run of runs.values()) {
      if (run.subjectId === subjectId && run.id !== except && ACTIVE_RUN_STATUSES.has(run.status)) {
        const message = typeof exclusive === "object" ? exclusive.conflictMessage : "Another run of the same subject is still active";
        throw new AppError("CONFLICT", message);
      }
    }
  }

  /** Takes a stored run into this engine's hands: interrupted tasks are queued again. */
  function adopt(run: RunState): void {
    for (const task of run.tasks.values()) {
      // Interrupted mid-call: nothing of it was committed, so it starts over.
      if (task.status === "running" || task.status === "retrying") {
        task.startedAt = null;
        recorder.setTaskStatus(run, task, "queued");
      }
    }
    run.status = "queued";
    store.updateRun(run);
    runs.set(run.id, run);
  }

  const budgetOf = (type: string) => taskTypes.get(type)!.budget;

  /** Resolves when the held run ends (its end queued, not yet committed: see `endings`). */
  const runEnded = (runId: string) =>
    new Promise<void>((resolve) => waiters.set(runId, [...(waiters.get(runId) ?? []), resolve]));

  /** Resolves with the held run's status once its end is committed; rejects if the engine shuts down first. */
  async function waitHeld(runId: string): Promise<RunStatus> {
    if (runs.has(runId)) {
      let stop!: () => void;
      const stopped = new Promise<"shutdown">((resolve) => (stop = () => resolve("shutdown")));
      const hold = { runId, stop };
      holdWaiters.add(hold);
      const ended = runEnded(runId).then(() => "ended" as const);
      try {
        if ((await Promise.race([ended, stopped])) === "shutdown") throw new EngineShutdown();
      } finally {
        holdWaiters.delete(hold);
      }
    }
    await endings.get(runId);
    const status = (await reader.statuses([runId])).get(runId);
    if (!status) throw notFound("Run");
    return status;
  }

  /**
   * Cancels a run that executes (or will) in a worker process. A run no worker held yet is
   * cancelled here, from its stored state; otherwise its worker is told, and this waits a little
   * for the run's end so the caller sees it cancelled, as it would in the embedded engine.
   */
  async function cancelDispatched(runId: string): Promise<void> {
    if ((await dispatcher!.requestCancel(runId)) === "removed") {
      const run = await reader.loadRunState(runId);
      if (!run || TERMINAL_RUN_STATUSES.has(run.status) || runs.has(runId)) return;
      adopt(run);
      machine.cancel(run, new RunCancelled());
      await store.committed();
      return;
    }
    await storedRunEnded(bus, reader, runId, CANCEL_WAIT_MS);
  }

  return {
    settings,

    registerTaskTypes(types) {
      taskTypes.register(types);
      for (const run of runs.values()) {
        if (run.status === "queued" && !admission.isWaiting(run)) admission.admit(run);
      }
    },

    async submitRun(request) {
      assertOpen();
      if (request.tasks.length === 0) throw new AppError("BAD_REQUEST", "A run needs at least one task");
      validateTaskSpecs(request.tasks, new Set(), (type) => taskTypes.has(type));
      const subjectId = request.subjectId ?? null;
      if (dispatcher) await assertNoActiveStoredRun(reader, subjectId, request.exclusiveSubject);
      else assertSubjectFree(subjectId, request.exclusiveSubject);
      const run = createRunState({
        kind: request.kind,
        teamId: request.teamId,
        ownerId: request.ownerId,
        subjectId,
        settings: { maxWorkers: clampWorkers(request.maxWorkers, settings), options: request.options ?? {} },
        queuedAt: clock.now(),
      });
      const tasks = addTasks(run, request.tasks, budgetOf);
      store.insertRun(run);
      for (const task of tasks) store.insertTask(task);
      if (dispatcher) {
        // Stored first: a worker that takes the job reads the run.
        await store.committed();
        await dispatcher.dispatch(run.id);
        return run.id;
      }
      runs.set(run.id, run);
      admission.admit(run);
      await store.committed();
      return run.id;
    },

    async cancelRun(runId) {
      const run = runs.get(runId);
      if (run) {
        if (!run.cancelling) {
          if (admission.isWaiting(run)) admission.leave(run);
          machine.cancel(run, new RunCancelled());
        }
        await store.committed();
        return;
      }
      const stored = (await reader.statuses([runId])).get(runId);
      if (!stored) throw notFound("Run");
      if (dispatcher && !TERMINAL_RUN_STATUSES.has(stored)) return cancelDispatched(runId);
      if (!TERMINAL_RUN_STATUSES.has(stored)) {
        throw new AppError("CONFLICT", "The run is not managed by this process yet; try again in a moment");
      }
    },

    async retryFailed(runId) {
      assertOpen();
      if (runs.has(runId) || endings.has(runId)) throw new AppError("CONFLICT", "The run has not ended yet");
      const run = await reader.loadRunState(runId);
      if (!run) throw notFound("Run");
      if (!TERMINAL_RUN_STATUSES.has(run.status)) throw new AppError("CONFLICT", "The run has not ended yet");
      if (runs.has(runId)) throw new AppError("CONFLICT", "The run is already being retried");
      if (dispatcher) {
        // The worker that ended the run completes its job just after the end is committed; a
        // retry queued before that would be taken for the old job and dropped.
        if (await dispatcher.isQueued(runId)) throw new AppError("CONFLICT", "The run has not ended yet");
        await assertNoActiveStoredRun(reader, run.subjectId, true, runId);
        // Before the retry is stored: a workers' sweep may queue it then, and must find no old cancel.
        await dispatcher.clearCancel(runId);
      } else assertSubjectFree(run.subjectId, true);
      let requeued = 0;
      for (const task of run.tasks.values()) {
        if (task.status === "succeeded") continue;
        task.lastError = null;
        task.startedAt = null;
        task.endedAt = null;
        task.durationMs = null;
        recorder.setTaskStatus(run, task, "queued");
        requeued++;
      }
      if (requeued === 0) return 0;
      run.status = "queued";
      run.endedAt = null;
      run.metrics = null;
      store.updateRun(run);
      if (dispatcher) {
        await store.committed();
        await dispatcher.dispatch(runId);
        return requeued;
      }
      runs.set(run.id, run);
      admission.admit(run);
      await store.committed();
      return requeued;
    },

    async resumeUnfinished() {
      assertOpen();
      // Scaled out, the workers pick up what is unfinished (src/server/worker-process.ts).
      if (dispatcher) return [];
      const resumed: string[] = [];
      for (const id of await reader.unfinishedRunIds()) {
        if (runs.has(id)) continue;
        const run = await reader.loadRunState(id);
        if (!run || runs.has(id)) continue;
        adopt(run);
        admission.admit(run);
        resumed.push(id);
      }
      await store.committed();
      return resumed;
    },

    async executeRun(runId, options = {}) {
      assertOpen();
      if (dispatcher) throw new Error("An engine that dispatches runs does not execute them");
      if (!runs.has(runId)) {
        const run = await reader.loadRunState(runId);
        if (!run) return null;
        if (runs.has(runId)) return waitHeld(runId);
        if (TERMINAL_RUN_STATUSES.has(run.status)) return run.status;
        assertOpen();
        adopt(run);
        if (options.cancelNow?.()) machine.cancel(run, new RunCancelled());
        else admission.admit(run);
      }
      return waitHeld(runId);
    },

    releaseRun(runId) {
      const run = runs.get(runId);
      if (!run) return;
      run.released = true;
      run.abort.abort(new EngineShutdown());
      // What it queued and did not write yet is not this process's to write any more.
      store.forget(runId);
      runs.delete(runId);
      admission.leave(run);
      for (const hold of holdWaiters) if (hold.runId === runId) hold.stop();
    },

    async getRun(runId) {
      const live = runs.get(runId);
      return live ? runDetails(live) : reader.readRun(runId);
    },

    async runStatuses(runIds) {
      const stored = await reader.statuses(runIds.filter((id) => !runs.has(id)));
      for (const id of runIds) {
        const live = runs.get(id);
        if (live) stored.set(id, live.status);
      }
      return stored;
    },

    subscribe(runId, listener) {
      return bus.subscribe(runId, listener);
    },

    async eventsAfter(runId, afterSeq) {
      // Subscriptions made before this read hear everything committed after it.
      await bus.ready?.(runId);
      return reader.eventsAfter(runId, afterSeq);
    },

    async waitForRun(runId) {
      if (dispatcher) await storedRunEnded(bus, reader, runId);
      if (runs.has(runId)) await runEnded(runId);
      await endings.get(runId);
      const run = await reader.readRun(runId);
      if (!run) throw notFound("Run");
      return run;
    },

    status() {
      const inFlight: Record<TaskKind, number> = {};
      const windows: Record<TaskKind, number> = {};
      const details: Record<TaskKind, BudgetStatus> = {};
      for (const [name, budget] of budgets) {
        inFlight[name] = budget.limiter.active;
        windows[name] = budget.window;
        const learned = budget.learned();
        details[name] = {
          identity: settings.budgetIdentity[name] ?? `unknown:${name}`,
          cap: settings.maxConcurrent[name]!,
          inFlight: budget.limiter.active,
          window: budget.window,
          ratePerSecond: learned.ratePerSecond,
          roundTripMs: learned.roundTripMs,
          limitSeen: learned.limitSeen,
          ...(options.sharedBudgets ? { shared: true } : {}),
        };
      }
      if (dispatcher) return dispatchedStatus(dispatcher, details);
      return { activeRuns: admission.activeCount, waitingRuns: admission.waitingCount, inFlight, windows, budgets: details };
    },

    async shutdown() {
      if (machine.closed) return;
      machine.closed = true;
      for (const run of runs.values()) run.abort.abort(new EngineShutdown());
      for (const hold of holdWaiters) hold.stop();
      await machine.idle();
      await Promise.all([store.flush(), budgetSet.flush()]);
      writer.close();
    },
  };
}

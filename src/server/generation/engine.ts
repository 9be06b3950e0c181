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
import type { Database } from "@/server/db";
import { createBudgets } from "./limits/budgets";
import { systemClock, type Clock } from "./clock";
import { clampWorkers, DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "./engine-settings";
import { createInProcessEventBus, type RunEventBus, type RunEventListener } from "./events/event-bus";
import type { RunEvent } from "./events/run-events";
import type { ProviderLimitStore } from "./limits/provider-limits";
import { Admission } from "./runs/admission";
import { RunMachine } from "./runs/run-machine";
import { RunRecorder } from "./runs/run-recorder";
import { addTasks, createRunState, runDetails, type RunState } from "./runs/run-state";
import { validateTaskSpecs } from "./runs/task-graph";
import { createPrismaBatchWriter } from "./storage/prisma-batch-writer";
import { createPrismaRunReader, type RunReader } from "./storage/run-reader";
import { createRunStore, type BatchWriter } from "./storage/run-store";
import { TaskTypeRegistry } from "./task-types";
import {
  ACTIVE_RUN_STATUSES,
  TERMINAL_RUN_STATUSES,
  type RunDetails,
  type RunStatus,
  type SubmitRunRequest,
  type TaskKind,
  type TaskType,
} from "./types";

export interface EngineOptions {
  db: Database;
  settings?: Partial<EngineSettings>;
  clock?: Clock;
  /** Source of jitter for retry delays, in [0, 1). */
  random?: () => number;
  bus?: RunEventBus;
  /** Where state changes are written; Prisma by default. The engine closes it on shutdown. */
  writer?: BatchWriter;
  /** Where runs and events are read back; Prisma by default. */
  reader?: RunReader;
  /**
   * Where the budgets keep what they learn about each provider:model's limits, so the next engine
   * starts from it. Without one, every engine starts cold.
   */
  limits?: ProviderLimitStore;
}

export interface EngineStatus {
  activeRuns: number;
  waitingRuns: number;
  /** Calls in flight, per budget. */
  inFlight: Record<TaskKind, number>;
  /** The adaptive windows (equal to the caps unless the provider pushed back), per budget. */
  windows: Record<TaskKind, number>;
  /** What each budget has measured of its provider model: what operators size workers from. */
  budgets: Record<TaskKind, BudgetStatus>;
}

export interface BudgetStatus {
  identity: string;
  cap: number;
  inFlight: number;
  window: number;
  /** Calls per second the budget paces to, or null while it paces by window alone. */
  ratePerSecond: number | null;
  /** The measured round trip of one call, or null before the first answer. */
  roundTripMs: number | null;
  /** The window at the provider's last 429 (its limit as last seen), or null when it never refused. */
  limitSeen: number | null;
}

export interface Engine {
  readonly settings: EngineSettings;
  /** Registers a domain's task types. Stored runs that were waiting for them start now. */
  registerTaskTypes(types: readonly TaskType[]): void;
  /** Stores the run and its tasks, and returns its id once they are committed. */
  submitRun(request: SubmitRunRequest): Promise<string>;
  /** Cancels queued tasks and aborts running calls. Cancelling a finished run changes nothing. */
  cancelRun(runId: string): Promise<void>;
  /** Re-queues the tasks of a finished run that did not succeed; returns how many. */
  retryFailed(runId: string): Promise<number>;
  /** Picks up the runs a previous process left unfinished; returns their ids. */
  resumeUnfinished(): Promise<string[]>;
  getRun(runId: string): Promise<RunDetails | null>;
  /** The current status of each run that exists (live runs from memory, others as stored). */
  runStatuses(runIds: readonly string[]): Promise<Map<string, RunStatus>>;
  /** Committed events of the run, live. Returns the function that unsubscribes. */
  subscribe(runId: string, listener: RunEventListener): () => void;
  eventsAfter(runId: string, afterSeq: number): Promise<RunEvent[]>;
  /** Resolves with the run once it has ended and its end is committed. */
  waitForRun(runId: string): Promise<RunDetails>;
  status(): EngineStatus;
  /** Aborts in-flight work without marking it failed (a later start resumes it), then writes everything. */
  shutdown(): Promise<void>;
}

class RunCancelled extends Error {
  constructor() {
    super("The run was cancelled");
    this.name = "RunCancelled";
  }
}

class EngineShutdown extends Error {
  constructor() {
    super("The engine is shutting down");
    this.name = "EngineShutdown";
  }
}

export function createEngine(options: EngineOptions): Engine {
  const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  const clock = options.clock ?? systemClock;
  const bus = options.bus ?? createInProcessEventBus();
  const reader = options.reader ?? createPrismaRunReader(options.db);

  /** Runs this process manages: waiting in line, active, or waiting for their task types. */
  const runs = new Map<string, RunState>();
  /** Ended runs whose end is not yet committed, so waitForRun does not read a stale row. */
  const endings = new Map<string, Promise<void>>();
  const waiters = new Map<string, Array<() => void>>();

  const budgetSet = createBudgets(settings, { now: clock.now, store: options.limits });
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

  const budgetOf = (type: string) => taskTypes.get(type)!.budget;

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
      assertSubjectFree(subjectId, request.exclusiveSubject);
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
      assertSubjectFree(run.subjectId, true);
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
      runs.set(run.id, run);
      admission.admit(run);
      await store.committed();
      return requeued;
    },

    async resumeUnfinished() {
      assertOpen();
      const resumed: string[] = [];
      for (const id of await reader.unfinishedRunIds()) {
        if (runs.has(id)) continue;
        const run = await reader.loadRunState(id);
        if (!run || runs.has(id)) continue;
        for (const task of run.tasks.values()) {
          // Interrupted mid-call: nothing of it was committed, so it starts over.
          if (task.status === "running" || task.status === "retrying") {
            task.startedAt = null;
            recorder.setTaskStatus(run, task, "queued");
          }
        }
        run.status = "queued";
        store.updateRun(run);
        runs.set(id, run);
        admission.admit(run);
        resumed.push(id);
      }
      await store.committed();
      return resumed;
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

    eventsAfter(runId, afterSeq) {
      return reader.eventsAfter(runId, afterSeq);
    },

    async waitForRun(runId) {
      if (runs.has(runId)) {
        await new Promise<void>((resolve) => {
          const forRun = waiters.get(runId) ?? [];
          forRun.push(resolve);
          waiters.set(runId, forRun);
        });
      }
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
        };
      }
      return { activeRuns: admission.activeCount, waitingRuns: admission.waitingCount, inFlight, windows, budgets: details };
    },

    async shutdown() {
      if (machine.closed) return;
      machine.closed = true;
      for (const run of runs.values()) run.abort.abort(new EngineShutdown());
      await machine.idle();
      await Promise.all([store.flush(), budgetSet.flush()]);
      writer.close();
    },
  };
}

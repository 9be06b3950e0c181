// The generation engine: runs DAGs of provider-backed tasks under three bounds (runs at once,
// workers per run, a global adaptive budget per kind of call), retries what the provider says is
// retryable, stores every state change with a numbered event, and resumes after a restart
// without redoing what already succeeded.
//
// Design: a handler's execute() runs once per task; the provider calls it makes through
// context.callProvider are the unit that is limited, timed out and retried. That keeps retries
// and limits in the engine while a handler stays free to make several calls (e.g. a repair
// call) or none. A task holds one of its run's workers from start to end, and a slot of the
// global budget only while a request is in flight; the two are always taken in that order and
// neither is ever awaited while the same one is held.
import { AppError, notFound } from "@/server/errors";
import type { Database } from "@/server/db";
import { createBudgets } from "./budgets";
import { systemClock, type Clock } from "./clock";
import { clampWorkers, DEFAULT_ENGINE_SETTINGS, type EngineSettings } from "./engine-settings";
import { createInProcessEventBus, type RunEventBus, type RunEventListener } from "./event-bus";
import { callProvider } from "./provider-call";
import type { ProviderLimitStore } from "./provider-limits";
import { describeError } from "./retry-policy";
import type { RunEvent, RunEventPayloads, RunEventType } from "./run-events";
import { RunLine } from "./run-line";
import { emptyTally, runMetrics } from "./run-metrics";
import { readEventsAfter, readLastSeq, readRun } from "./run-queries";
import { addTasks, countStatus, createRunState, hydrateRunState, runDetails, runInfo, type RunState, type TaskState } from "./run-state";
import { createPrismaBatchWriter } from "./prisma-batch-writer";
import { createRunStore, type BatchWriter } from "./run-store";
import { validateTaskSpecs } from "./task-graph";
import {
  TERMINAL_RUN_STATUSES,
  TERMINAL_TASK_STATUSES,
  type RunDetails,
  type SubmitRunRequest,
  type TaskContext,
  type TaskHandler,
  type TaskKind,
  type TaskSpec,
  type TaskStatus,
} from "./types";

/** Outputs are stored in a text column and replayed in events; images belong in files. */
const MAX_OUTPUT_CHARACTERS = 100_000;

export interface EngineOptions {
  db: Database;
  settings?: Partial<EngineSettings>;
  clock?: Clock;
  /** Source of jitter for retry delays, in [0, 1). */
  random?: () => number;
  bus?: RunEventBus;
  /** Where state changes are written; Prisma by default. The engine closes it on shutdown. */
  writer?: BatchWriter;
  /**
   * Where the budgets keep what they learn about each provider:model's limits, so the next engine
   * starts from it. Without one, every engine starts cold.
   */
  limits?: ProviderLimitStore;
}

export interface EngineStatus {
  activeRuns: number;
  waitingRuns: number;
  inFlight: Record<TaskKind, number>;
  /** The adaptive windows (equal to the caps unless the provider pushed back). */
  windows: Record<TaskKind, number>;
}

export interface Engine {
  readonly settings: EngineSettings;
  /** Registers the handler for a run kind. Stored runs of that kind waiting for it start now. */
  registerHandler(runKind: string, handler: TaskHandler): void;
  /** Stores the run and its tasks, and returns its id once they are committed. */
  submitRun(request: SubmitRunRequest): Promise<string>;
  /** Cancels queued tasks and aborts running calls. Cancelling a finished run changes nothing. */
  cancelRun(runId: string): Promise<void>;
  /** Re-queues the tasks of a finished run that did not succeed; returns how many. */
  retryFailed(runId: string): Promise<number>;
  /** Picks up the runs a previous process left unfinished; returns their ids. */
  resumeUnfinished(): Promise<string[]>;
  getRun(runId: string): Promise<RunDetails | null>;
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
  const { db } = options;
  const settings: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const bus = options.bus ?? createInProcessEventBus();

  const handlers = new Map<string, TaskHandler>();
  /** Runs this process manages: waiting in line, active, or waiting for their handler. */
  const runs = new Map<string, RunState>();
  /** Ended runs whose end is not yet committed, so waitForRun does not read a stale row. */
  const endings = new Map<string, Promise<void>>();
  const waiters = new Map<string, Array<() => void>>();
  const line = new RunLine<RunState>(settings.maxConcurrentRuns);
  /** Tasks whose execute() has not returned; shutdown waits for them to reach zero. */
  let executing = 0;
  let whenIdle: (() => void) | null = null;
  let closed = false;

  const budgetSet = createBudgets(settings, { now: clock.now, store: options.limits });
  const budgets = budgetSet.byName;

  const writer = options.writer ?? createPrismaBatchWriter(db);
  const store = createRunStore(writer, {
    writeIntervalMs: settings.writeIntervalMs,
    onCommit(events) {
      for (const event of events) bus.publish(event);
    },
    onError(error) {
      console.error("The generation engine could not write its state", error);
    },
  });

  function emit<Type extends RunEventType>(run: RunState, type: Type, payload: RunEventPayloads[Type]): void {
    const event = { runId: run.id, seq: run.nextSeq++, type, payload, createdAt: new Date(clock.now()) } as RunEvent;
    store.appendEvent(event);
  }

  /**
   * Only queued and terminal statuses are written to the task's row: resuming treats a task left
   * running like a queued one, and readers of an active run get its live state from memory
   * (getRun), so writing every start and retry would only cost. The events record them.
   */
  function setTaskStatus(run: RunState, task: TaskState, status: TaskStatus): void {
    countStatus(run, task.status, -1);
    task.status = status;
    countStatus(run, status, 1);
    if (status === "queued" || TERMINAL_TASK_STATUSES.has(status)) store.updateTask(task);
  }

  // ----- admission: runs at once -----

  function admit(run: RunState): void {
    if (!handlers.has(run.kind)) return; // parked until registerHandler(run.kind)
    const position = line.join(run);
    if (position === 0) startRun(run);
    else announcePositions();
  }

  function announcePositions(): void {
    line.line.forEach((run, index) => {
      if (run.announcedPosition === index + 1) return;
      run.announcedPosition = index + 1;
      emit(run, "queue-position", { position: index + 1 });
    });
  }

  function startRun(run: RunState): void {
    run.status = "running";
    run.startedAt = clock.now();
    run.endedAt = null;
    run.metrics = null;
    run.tally = emptyTally();
    run.announcedPosition = 0;
    store.updateRun(run);
    emit(run, "run-start", { total: run.counts.total, resumed: run.resumed });
    markReady(run, [...run.tasks.values()]);
    pump(run);
    if (run.unfinished === 0) finishRun(run);
  }

  /** Counts the unmet dependencies of queued tasks; queues the ready ones, skips the doomed ones. */
  function markReady(run: RunState, tasks: readonly TaskState[]): void {
    for (const task of tasks) {
      if (task.status !== "queued") continue;
      task.waitingOn = 0;
      let doomedBy: string | null = null;
      for (const key of task.dependsOn) {
        const dependency = run.tasks.get(key);
        if (dependency?.status === "succeeded") continue;
        task.waitingOn++;
        if (!dependency || TERMINAL_TASK_STATUSES.has(dependency.status)) doomedBy = key;
      }
      if (doomedBy !== null) skipTask(run, task, `Dependency "${doomedBy}" did not succeed`);
      else if (task.waitingOn === 0) run.ready.push(task);
    }
  }

  // ----- scheduling within a run: workers -----

  function pump(run: RunState): void {
    while (!closed && !run.cancelling && run.running < run.settings.maxWorkers && run.readyHead < run.ready.length) {
      const task = run.ready[run.readyHead++]!;
      if (task.status === "queued") startTask(run, task);
    }
    if (run.readyHead > 256 && run.readyHead === run.ready.length) {
      run.ready = [];
      run.readyHead = 0;
    }
  }

  function startTask(run: RunState, task: TaskState): void {
    task.startedAt = clock.now();
    task.endedAt = null;
    task.durationMs = null;
    task.lastError = null;
    setTaskStatus(run, task, "running");
    run.running++;
    emit(run, "task-start", { key: task.key, kind: task.kind });
    executing++;
    void executeTask(run, task);
  }

  async function executeTask(run: RunState, task: TaskState): Promise<void> {
    const handler = handlers.get(run.kind)!;
    const added: TaskSpec[] = [];
    const dependencies: Record<string, unknown> = {};
    for (const key of task.dependsOn) dependencies[key] = run.tasks.get(key)?.output ?? null;
    const signal = run.abort.signal;
    const context: TaskContext = {
      signal,
      get attempt() {
        return task.attempts;
      },
      dependencies,
      run: runInfo(run),
      addTasks(tasks) {
        added.push(...tasks);
      },
      callProvider(kind, call) {
        return callProvider({
          call,
          budget: budgets[kind],
          signal,
          timeoutMs: settings.timeoutMs[kind],
          retry: settings.retry,
          maxRateLimitWaitMs: settings.rateLimitMaxWaitMs,
          clock,
          random,
          nextAttempt() {
            run.tally.attempts++;
            task.attempts++;
            if (task.status === "retrying") setTaskStatus(run, task, "running");
            return task.attempts;
          },
          onRetry(failure, delayMs) {
            run.tally.retries++;
            task.lastError = failure.reason;
            setTaskStatus(run, task, "retrying");
            emit(run, "task-retry", {
              key: task.key,
              attempt: failure.attempt,
              delayMs,
              reason: failure.reason,
              status: failure.status,
            });
          },
          onWait(failure, delayMs) {
            run.tally.rateLimited++;
            emit(run, "task-wait", { key: task.key, kind, delayMs, reason: failure.reason });
          },
          onFailure(failure) {
            if (failure.rateLimited) run.tally.rateLimited++;
          },
        });
      },
    };
    try {
      const output = await handler.execute({ id: task.id, key: task.key, kind: task.kind, input: JSON.parse(task.inputJson) }, context);
      succeedTask(run, task, output, added);
    } catch (error) {
      failTask(run, task, error);
    } finally {
      if (--executing === 0) whenIdle?.();
    }
  }

  function endTask(run: RunState, task: TaskState): void {
    run.running--;
    task.endedAt = clock.now();
    task.durationMs = task.endedAt - (task.startedAt ?? task.endedAt);
    run.tally.taskMs += task.durationMs;
  }

  function succeedTask(run: RunState, task: TaskState, output: unknown, added: TaskSpec[]): void {
    let outputJson: string;
    try {
      outputJson = JSON.stringify(output ?? null);
      if (outputJson.length > MAX_OUTPUT_CHARACTERS) {
        throw new Error(`Task output is ${outputJson.length} characters; store large results as files and return a reference`);
      }
      if (added.length > 0) validateTaskSpecs(added, new Set(run.tasks.keys()));
    } catch (error) {
      return failTask(run, task, error);
    }
    endTask(run, task);
    task.outputJson = outputJson;
    task.output = JSON.parse(outputJson);
    if (task.kind === "image") {
      run.tally.images++;
      run.tally.imageMs += task.durationMs!;
    }
    // The new tasks, this task's success and its event are queued together, so they are
    // committed in one transaction.
    const newTasks = addTasks(run, added);
    for (const newTask of newTasks) store.insertTask(newTask);
    setTaskStatus(run, task, "succeeded");
    emit(run, "task-end", { key: task.key, status: "succeeded", attempts: task.attempts, durationMs: task.durationMs, output: task.output });
    for (const dependent of task.dependents) {
      if (dependent.status === "queued" && --dependent.waitingOn === 0) run.ready.push(dependent);
    }
    markReady(run, newTasks);
    afterTaskEnd(run);
  }

  function failTask(run: RunState, task: TaskState, error: unknown): void {
    if (closed && !run.cancelling) {
      // Shutting down: the task stays "running" in the database and is redone on the next start.
      run.running--;
      return;
    }
    endTask(run, task);
    if (run.cancelling) {
      setTaskStatus(run, task, "cancelled");
      emit(run, "task-end", { key: task.key, status: "cancelled", attempts: task.attempts, durationMs: task.durationMs });
    } else {
      task.lastError = describeError(error);
      const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : null;
      setTaskStatus(run, task, "failed");
      emit(run, "task-error", { key: task.key, attempts: task.attempts, error: task.lastError, status });
      emit(run, "task-end", {
        key: task.key,
        status: "failed",
        attempts: task.attempts,
        durationMs: task.durationMs,
        reason: task.lastError,
      });
      skipDependents(run, task);
    }
    afterTaskEnd(run);
  }

  function skipTask(run: RunState, task: TaskState, reason: string): void {
    task.lastError = reason;
    task.endedAt = clock.now();
    setTaskStatus(run, task, "skipped");
    emit(run, "task-end", { key: task.key, status: "skipped", attempts: task.attempts, durationMs: null, reason });
    skipDependents(run, task);
  }

  function skipDependents(run: RunState, task: TaskState): void {
    for (const dependent of task.dependents) {
      if (dependent.status === "queued") skipTask(run, dependent, `Dependency "${task.key}" did not succeed`);
    }
  }

  function afterTaskEnd(run: RunState): void {
    store.updateRun(run);
    pump(run);
    if (run.unfinished === 0 && run.running === 0) finishRun(run);
  }

  function finishRun(run: RunState): void {
    if (TERMINAL_RUN_STATUSES.has(run.status)) return;
    const { counts } = run;
    run.status = run.cancelling ? "cancelled" : counts.succeeded === counts.total ? "succeeded" : "failed";
    run.endedAt = clock.now();
    run.metrics = runMetrics(run.tally, run.startedAt, run.endedAt);
    store.updateRun(run);
    emit(run, "run-end", { status: run.status, counts: { ...counts }, metrics: run.metrics });
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
    for (const next of line.leave(run)) startRun(next);
    announcePositions();
  }

  function cancelInMemory(run: RunState): void {
    run.cancelling = true;
    run.abort.abort(new RunCancelled());
    const now = clock.now();
    for (const task of run.tasks.values()) {
      if (task.status !== "queued") continue;
      task.endedAt = now;
      setTaskStatus(run, task, "cancelled");
      emit(run, "task-end", { key: task.key, status: "cancelled", attempts: task.attempts, durationMs: null });
    }
    store.updateRun(run);
    if (run.running === 0) finishRun(run);
  }

  async function loadRun(runId: string): Promise<RunState | null> {
    const row = await db.run.findUnique({ where: { id: runId }, include: { tasks: true } });
    if (!row) return null;
    return hydrateRunState(row, row.tasks, await readLastSeq(db, runId));
  }

  function assertOpen(): void {
    if (closed) throw new AppError("CONFLICT", "The generation engine is shutting down");
  }

  return {
    settings,

    registerHandler(runKind, handler) {
      if (handlers.has(runKind)) throw new Error(`A handler for run kind "${runKind}" is already registered`);
      handlers.set(runKind, handler);
      for (const run of runs.values()) {
        if (run.kind === runKind && run.status === "queued" && !line.isWaiting(run)) admit(run);
      }
    },

    async submitRun(request) {
      assertOpen();
      if (!handlers.has(request.kind)) throw new AppError("BAD_REQUEST", `No handler is registered for run kind "${request.kind}"`);
      if (request.tasks.length === 0) throw new AppError("BAD_REQUEST", "A run needs at least one task");
      validateTaskSpecs(request.tasks, new Set());
      const run = createRunState({
        kind: request.kind,
        teamId: request.teamId,
        ownerId: request.ownerId,
        subjectId: request.subjectId ?? null,
        settings: { maxWorkers: clampWorkers(request.maxWorkers, settings), options: request.options ?? {} },
        queuedAt: clock.now(),
      });
      const tasks = addTasks(run, request.tasks);
      store.insertRun(run);
      for (const task of tasks) store.insertTask(task);
      runs.set(run.id, run);
      admit(run);
      await store.committed();
      return run.id;
    },

    async cancelRun(runId) {
      const run = runs.get(runId);
      if (run) {
        if (!run.cancelling) {
          if (line.isWaiting(run)) {
            line.leave(run);
            announcePositions();
          }
          cancelInMemory(run);
        }
        await store.committed();
        return;
      }
      const stored = await db.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (!stored) throw notFound("Run");
      if (!TERMINAL_RUN_STATUSES.has(stored.status as RunState["status"])) {
        throw new AppError("CONFLICT", "The run is not managed by this process yet; try again in a moment");
      }
    },

    async retryFailed(runId) {
      assertOpen();
      if (runs.has(runId) || endings.has(runId)) throw new AppError("CONFLICT", "The run has not ended yet");
      const run = await loadRun(runId);
      if (!run) throw notFound("Run");
      if (!TERMINAL_RUN_STATUSES.has(run.status)) throw new AppError("CONFLICT", "The run has not ended yet");
      if (runs.has(runId)) throw new AppError("CONFLICT", "The run is already being retried");
      let requeued = 0;
      for (const task of run.tasks.values()) {
        if (task.status === "succeeded") continue;
        task.lastError = null;
        task.startedAt = null;
        task.endedAt = null;
        task.durationMs = null;
        setTaskStatus(run, task, "queued");
        requeued++;
      }
      if (requeued === 0) return 0;
      run.status = "queued";
      run.endedAt = null;
      run.metrics = null;
      store.updateRun(run);
      runs.set(run.id, run);
      admit(run);
      await store.committed();
      return requeued;
    },

    async resumeUnfinished() {
      assertOpen();
      const rows = await db.run.findMany({
        where: { status: { in: ["queued", "running"] } },
        orderBy: { queuedAt: "asc" },
        select: { id: true },
      });
      const resumed: string[] = [];
      for (const { id } of rows) {
        if (runs.has(id)) continue;
        const run = await loadRun(id);
        if (!run || runs.has(id)) continue;
        for (const task of run.tasks.values()) {
          // Interrupted mid-call: nothing of it was committed, so it starts over.
          if (task.status === "running" || task.status === "retrying") {
            task.startedAt = null;
            setTaskStatus(run, task, "queued");
          }
        }
        run.status = "queued";
        store.updateRun(run);
        runs.set(id, run);
        admit(run);
        resumed.push(id);
      }
      await store.committed();
      return resumed;
    },

    async getRun(runId) {
      const live = runs.get(runId);
      return live ? runDetails(live) : readRun(db, runId);
    },

    subscribe(runId, listener) {
      return bus.subscribe(runId, listener);
    },

    eventsAfter(runId, afterSeq) {
      return readEventsAfter(db, runId, afterSeq);
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
      const run = await readRun(db, runId);
      if (!run) throw notFound("Run");
      return run;
    },

    status() {
      return {
        activeRuns: line.activeCount,
        waitingRuns: line.line.length,
        inFlight: { text: budgets.text.limiter.active, image: budgets.image.limiter.active },
        windows: { text: budgets.text.window, image: budgets.image.window },
      };
    },

    async shutdown() {
      if (closed) return;
      closed = true;
      for (const run of runs.values()) run.abort.abort(new EngineShutdown());
      if (executing > 0) await new Promise<void>((resolve) => (whenIdle = resolve));
      await Promise.all([store.flush(), budgetSet.flush()]);
      writer.close();
    },
  };
}

// The per-run state machine: which tasks are ready (their dependencies succeeded), which start
// (bounded by the run's workers), what a task's end does to its dependents (ready, or skipped when
// it failed), and when the run ends. Admission across runs and the public API live elsewhere.
import type { Clock } from "../clock";
import { describeError } from "../limits/retry-policy";
import type { TaskTypeRegistry } from "../task-types";
import { TERMINAL_RUN_STATUSES, TERMINAL_TASK_STATUSES, type TaskSpec } from "../types";
import { emptyTally, runMetrics } from "./run-metrics";
import type { RunRecorder } from "./run-recorder";
import { addTasks, type RunState, type TaskState } from "./run-state";
import { executeTask, type TaskExecutionDependencies } from "./task-execution";
import { validateTaskSpecs } from "./task-graph";

/** Outputs are stored in a text column and replayed in events; images belong in files. */
const MAX_OUTPUT_CHARACTERS = 100_000;

export interface RunMachineOptions {
  clock: Clock;
  recorder: RunRecorder;
  taskTypes: TaskTypeRegistry;
  execution: TaskExecutionDependencies;
  /** The run reached a terminal status (its end is queued for writing). */
  onRunEnd(run: RunState): void;
}

export class RunMachine {
  /** Tasks whose execute() has not returned; shutdown waits for them to reach zero. */
  executing = 0;
  /** Set on shutdown: no task starts, and tasks that fail stay "running" to be redone. */
  closed = false;
  private whenIdle: (() => void) | null = null;

  constructor(private readonly options: RunMachineOptions) {}

  private get recorder(): RunRecorder {
    return this.options.recorder;
  }

  /** Starts (or restarts, after a wait in line or a retry) the run's queued tasks. */
  start(run: RunState): void {
    run.status = "running";
    run.startedAt = this.options.clock.now();
    run.endedAt = null;
    run.metrics = null;
    run.tally = emptyTally();
    run.announcedPosition = 0;
    this.recorder.store.updateRun(run);
    this.recorder.emit(run, "run-start", { total: run.counts.total, resumed: run.resumed });
    this.markReady(run, [...run.tasks.values()]);
    this.pump(run);
    if (run.unfinished === 0) this.finish(run);
  }

  /** Marks the run's queued tasks cancelled and aborts its running calls. */
  cancel(run: RunState, reason: Error): void {
    run.cancelling = true;
    run.abort.abort(reason);
    const now = this.options.clock.now();
    for (const task of run.tasks.values()) {
      if (task.status !== "queued") continue;
      task.endedAt = now;
      this.recorder.setTaskStatus(run, task, "cancelled");
      this.recorder.emit(run, "task-end", { key: task.key, status: "cancelled", attempts: task.attempts, durationMs: null });
    }
    this.recorder.store.updateRun(run);
    if (run.running === 0) this.finish(run);
  }

  /** Resolves once no task's execute() is still running. */
  idle(): Promise<void> {
    if (this.executing === 0) return Promise.resolve();
    return new Promise((resolve) => (this.whenIdle = resolve));
  }

  /** Counts the unmet dependencies of queued tasks; queues the ready ones, skips the doomed ones. */
  private markReady(run: RunState, tasks: readonly TaskState[]): void {
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
      if (doomedBy !== null) this.skip(run, task, `Dependency "${doomedBy}" did not succeed`);
      else if (task.waitingOn === 0) run.ready.push(task);
    }
  }

  private pump(run: RunState): void {
    while (!this.closed && !run.cancelling && !run.released && run.running < run.settings.maxWorkers && run.readyHead < run.ready.length) {
      const task = run.ready[run.readyHead++]!;
      if (task.status === "queued") this.startTask(run, task);
    }
    if (run.readyHead > 256 && run.readyHead === run.ready.length) {
      run.ready = [];
      run.readyHead = 0;
    }
  }

  private startTask(run: RunState, task: TaskState): void {
    task.startedAt = this.options.clock.now();
    task.endedAt = null;
    task.durationMs = null;
    task.lastError = null;
    this.recorder.setTaskStatus(run, task, "running");
    run.running++;
    this.recorder.emit(run, "task-start", { key: task.key, kind: task.kind });
    this.executing++;
    void this.execute(run, task);
  }

  private async execute(run: RunState, task: TaskState): Promise<void> {
    // Admission waits until every type of the run is registered, so the type is here.
    const outcome = await executeTask(this.options.execution, this.options.taskTypes.get(task.type)!, run, task);
    // Released to another process, which redoes what was in flight here: nothing of it is written.
    if (run.released) run.running--;
    else if (outcome.ok) this.succeed(run, task, outcome.output, outcome.added);
    else this.fail(run, task, outcome.error);
    if (--this.executing === 0) this.whenIdle?.();
  }

  private endTask(run: RunState, task: TaskState): void {
    run.running--;
    task.endedAt = this.options.clock.now();
    task.durationMs = task.endedAt - (task.startedAt ?? task.endedAt);
    run.tally.taskMs += task.durationMs;
  }

  private succeed(run: RunState, task: TaskState, output: unknown, added: TaskSpec[]): void {
    const { taskTypes } = this.options;
    let outputJson: string;
    try {
      outputJson = JSON.stringify(output ?? null);
      if (outputJson.length > MAX_OUTPUT_CHARACTERS) {
        throw new Error(`Task output is ${outputJson.length} characters; store large results as files and return a reference`);
      }
      if (added.length > 0) validateTaskSpecs(added, new Set(run.tasks.keys()), (type) => taskTypes.has(type));
    } catch (error) {
      return this.fail(run, task, error);
    }
    this.endTask(run, task);
    task.outputJson = outputJson;
    task.output = JSON.parse(outputJson);
    if (task.kind === "image") {
      run.tally.images++;
      run.tally.imageMs += task.durationMs!;
    }
    // The new tasks, this task's success and its event are queued together, so they are
    // committed in one transaction.
    const newTasks = addTasks(run, added, (type) => taskTypes.get(type)!.budget);
    for (const newTask of newTasks) this.recorder.store.insertTask(newTask);
    this.recorder.setTaskStatus(run, task, "succeeded");
    this.recorder.emit(run, "task-end", {
      key: task.key,
      status: "succeeded",
      attempts: task.attempts,
      durationMs: task.durationMs,
      output: task.output,
    });
    for (const dependent of task.dependents) {
      if (dependent.status === "queued" && --dependent.waitingOn === 0) run.ready.push(dependent);
    }
    this.markReady(run, newTasks);
    this.afterTaskEnd(run);
  }

  private fail(run: RunState, task: TaskState, error: unknown): void {
    if (this.closed && !run.cancelling) {
      // Shutting down: the task stays "running" in the database and is redone on the next start.
      run.running--;
      return;
    }
    this.endTask(run, task);
    if (run.cancelling) {
      this.recorder.setTaskStatus(run, task, "cancelled");
      this.recorder.emit(run, "task-end", { key: task.key, status: "cancelled", attempts: task.attempts, durationMs: task.durationMs });
    } else {
      task.lastError = describeError(error);
      const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : null;
      this.recorder.setTaskStatus(run, task, "failed");
      this.recorder.emit(run, "task-error", { key: task.key, attempts: task.attempts, error: task.lastError, status });
      this.recorder.emit(run, "task-end", {
        key: task.key,
        status: "failed",
        attempts: task.attempts,
        durationMs: task.durationMs,
        reason: task.lastError,
      });
      this.skipDependents(run, task);
    }
    this.afterTaskEnd(run);
  }

  private skip(run: RunState, task: TaskState, reason: string): void {
    task.lastError = reason;
    task.endedAt = this.options.clock.now();
    this.recorder.setTaskStatus(run, task, "skipped");
    this.recorder.emit(run, "task-end", { key: task.key, status: "skipped", attempts: task.attempts, durationMs: null, reason });
    this.skipDependents(run, task);
  }

  private skipDependents(run: RunState, task: TaskState): void {
    for (const dependent of task.dependents) {
      if (dependent.status === "queued") this.skip(run, dependent, `Dependency "${task.key}" did not succeed`);
    }
  }

  private afterTaskEnd(run: RunState): void {
    this.recorder.store.updateRun(run);
    this.pump(run);
    if (run.unfinished === 0 && run.running === 0) this.finish(run);
  }

  private finish(run: RunState): void {
    if (TERMINAL_RUN_STATUSES.has(run.status)) return;
    const { counts } = run;
    run.status = run.cancelling ? "cancelled" : counts.succeeded === counts.total ? "succeeded" : "failed";
    run.endedAt = this.options.clock.now();
    run.metrics = runMetrics(run.tally, run.startedAt, run.endedAt);
    this.recorder.store.updateRun(run);
    this.recorder.emit(run, "run-end", { status: run.status, counts: { ...counts }, metrics: run.metrics });
    this.options.onRunEnd(run);
  }
}

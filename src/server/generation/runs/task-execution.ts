// Executes one task: checks its input against its type's schema, gives its execute() the task
// context, and wires the context's provider calls to the global budgets, the retry policy and the
// run's events. It decides nothing about the run: the run machine gets the outcome.
import type { AdaptiveConcurrency } from "../limits/adaptive-concurrency";
import type { Clock } from "../clock";
import type { EngineSettings } from "../engine-settings";
import { callProvider } from "../limits/provider-call";
import type { TaskContext, TaskSpec, TaskType } from "../types";
import type { RunRecorder } from "./run-recorder";
import { runInfo, type RunState, type TaskState } from "./run-state";

export type TaskOutcome = { ok: true; output: unknown; added: TaskSpec[] } | { ok: false; error: unknown };

export interface TaskExecutionDependencies {
  settings: EngineSettings;
  clock: Clock;
  /** Source of jitter for retry delays, in [0, 1). */
  random: () => number;
  budgets: ReadonlyMap<string, AdaptiveConcurrency>;
  recorder: RunRecorder;
}

export class InvalidTaskInput extends Error {
  constructor(type: string, problems: string) {
    super(`The input of a "${type}" task is not valid: ${problems}`);
    this.name = "InvalidTaskInput";
  }
}

export async function executeTask(
  dependencies: TaskExecutionDependencies,
  type: TaskType,
  run: RunState,
  task: TaskState,
): Promise<TaskOutcome> {
  const added: TaskSpec[] = [];
  try {
    const parsed = type.input.safeParse(JSON.parse(task.inputJson));
    if (!parsed.success) throw new InvalidTaskInput(type.name, parsed.error.message);
    const output = await type.execute(parsed.data, taskContext(dependencies, run, task, added));
    return { ok: true, output, added };
  } catch (error) {
    return { ok: false, error };
  }
}

function taskContext(dependencies: TaskExecutionDependencies, run: RunState, task: TaskState, added: TaskSpec[]): TaskContext {
  const { settings, clock, random, budgets, recorder } = dependencies;
  const outputs: Record<string, unknown> = {};
  for (const key of task.dependsOn) outputs[key] = run.tasks.get(key)?.output ?? null;
  const signal = run.abort.signal;
  return {
    task: { id: task.id, key: task.key, type: task.type },
    signal,
    get attempt() {
      return task.attempts;
    },
    dependencies: outputs,
    run: runInfo(run),
    addTasks(tasks) {
      added.push(...tasks);
    },
    callProvider(budgetName, call) {
      const budget = budgets.get(budgetName);
      if (!budget) return Promise.reject(new Error(`There is no budget named "${budgetName}"; the budgets are ${[...budgets.keys()].join(", ")}`));
      return callProvider({
        call,
        budget,
        signal,
        timeoutMs: settings.timeoutMs[budgetName] ?? settings.timeoutMs.text!,
        retry: settings.retry,
        maxRateLimitWaitMs: settings.rateLimitMaxWaitMs,
        clock,
        random,
        nextAttempt() {
          run.tally.attempts++;
          task.attempts++;
          if (task.status === "retrying") recorder.setTaskStatus(run, task, "running");
          return task.attempts;
        },
        onRetry(failure, delayMs) {
          run.tally.retries++;
          task.lastError = failure.reason;
          recorder.setTaskStatus(run, task, "retrying");
          recorder.emit(run, "task-retry", {
            key: task.key,
            attempt: failure.attempt,
            delayMs,
            reason: failure.reason,
            status: failure.status,
          });
        },
        onWait(failure, delayMs) {
          run.tally.rateLimited++;
          recorder.emit(run, "task-wait", { key: task.key, kind: budgetName, delayMs, reason: failure.reason });
        },
        onFailure(failure) {
          if (failure.rateLimited) run.tally.rateLimited++;
        },
      });
    },
  };
}

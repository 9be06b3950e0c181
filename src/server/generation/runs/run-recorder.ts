// Records a run's state changes: numbered events, and the task rows that must be stored.
import type { Clock } from "../clock";
import type { RunEvent, RunEventPayloads, RunEventType } from "../events/run-events";
import type { RunStore } from "../storage/run-store";
import { TERMINAL_TASK_STATUSES, type TaskStatus } from "../types";
import { countStatus, type RunState, type TaskState } from "./run-state";

export class RunRecorder {
  constructor(
    readonly store: RunStore,
    private readonly clock: Clock,
  ) {}

  emit<Type extends RunEventType>(run: RunState, type: Type, payload: RunEventPayloads[Type]): void {
    const event = { runId: run.id, seq: run.nextSeq++, type, payload, createdAt: new Date(this.clock.now()) } as RunEvent;
    this.store.appendEvent(event);
  }

  /**
   * Only queued and terminal statuses are written to the task's row: resuming treats a task left
   * running like a queued one, and readers of an active run get its live state from memory
   * (getRun), so writing every start and retry would only cost. The events record them.
   */
  setTaskStatus(run: RunState, task: TaskState, status: TaskStatus): void {
    countStatus(run, task.status, -1);
    task.status = status;
    countStatus(run, status, 1);
    if (status === "queued" || TERMINAL_TASK_STATUSES.has(status)) this.store.updateTask(task);
  }
}

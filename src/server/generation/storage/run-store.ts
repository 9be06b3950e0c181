// Writes the engine's state in group commits: changes made while one transaction runs are
// collected and written by the next one. One transaction per batch instead of several queries
// per task is what keeps the engine's cost per task in microseconds. It is safe for crash
// recovery because everything that belongs together (a task's end, the tasks it added, its
// event) is queued synchronously and therefore lands in the same transaction, and batches are
// committed one after another, in order.
import type { RunEvent } from "../events/run-events";
import type { StoredRun, StoredTask } from "./run-rows";

/** What one transaction writes. Rows are read from the live objects when they are written. */
export interface Batch {
  newRuns: Set<StoredRun>;
  changedRuns: Set<StoredRun>;
  newTasks: Set<StoredTask>;
  changedTasks: Set<StoredTask>;
  events: RunEvent[];
}

/** The storage seam: writes one batch atomically (all of it or none of it). */
export interface BatchWriter {
  write(batch: Batch): Promise<void>;
  close(): void;
}

export interface RunStore {
  insertRun(run: StoredRun): void;
  updateRun(run: StoredRun): void;
  insertTask(task: StoredTask): void;
  updateTask(task: StoredTask): void;
  appendEvent(event: RunEvent): void;
  /** Resolves once everything queued so far is committed. */
  committed(): Promise<void>;
  /** Writes everything queued now and waits for it. */
  flush(): Promise<void>;
  /** Drops what is queued for a run this process let go of: another process writes it now. */
  forget(runId: string): void;
}

export interface RunStoreOptions {
  /**
   * The shortest time between two transactions. The first change after a quiet spell is
   * written at once; under load, changes gather for this long and share one transaction.
   */
  writeIntervalMs: number;
  /** Called after each commit with its events, in order, so they can be published. */
  onCommit(events: RunEvent[]): void;
  onError(error: unknown): void;
}

interface PendingBatch extends Batch {
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createRunStore(writer: BatchWriter, options: RunStoreOptions): RunStore {
  let pending = newBatch();
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastWriteAt = Number.NEGATIVE_INFINITY;

  const schedule = () => {
    if (timer || writing) return;
    const wait = Math.max(0, lastWriteAt + options.writeIntervalMs - performance.now());
    timer = setTimeout(write, wait);
  };

  const write = async () => {
    timer = null;
    if (writing || isEmpty(pending)) return;
    const batch = pending;
    pending = newBatch();
    lastWriteAt = performance.now();
    writing = writer.write(batch).then(
      () => {
        batch.resolve();
        options.onCommit(batch.events);
      },
      (error: unknown) => writeRunByRun(batch, error),
    );
    await writing;
    writing = null;
    if (!isEmpty(pending)) schedule();
  };

  // A batch refused whole is written again run by run, so that one run's rows the database
  // refuses (a run another worker took over, whose events clash with its new holder's) do not
  // take every other run's writes down with them. Only when every run's part is refused (the
  // database is down) does the batch fail.
  const writeRunByRun = async (batch: PendingBatch, error: unknown) => {
    const parts = splitByRun(batch);
    if (parts.length < 2) {
      batch.reject(error);
      options.onError(error);
      return;
    }
    let written = 0;
    for (const part of parts) {
      try {
        await writer.write(part);
        written++;
        options.onCommit(part.events);
      } catch (partError) {
        options.onError(partError);
      }
    }
    if (written > 0) batch.resolve();
    else batch.reject(error);
  };

  return {
    forget(runId) {
      for (const run of pending.newRuns) if (run.id === runId) pending.newRuns.delete(run);
      for (const run of pending.changedRuns) if (run.id === runId) pending.changedRuns.delete(run);
      for (const task of pending.newTasks) if (task.runId === runId) pending.newTasks.delete(task);
      for (const task of pending.changedTasks) if (task.runId === runId) pending.changedTasks.delete(task);
      pending.events = pending.events.filter((event) => event.runId !== runId);
    },
    insertRun(run) {
      pending.newRuns.add(run);
      schedule();
    },
    updateRun(run) {
      pending.changedRuns.add(run);
      schedule();
    },
    insertTask(task) {
      pending.newTasks.add(task);
      schedule();
    },
    updateTask(task) {
      pending.changedTasks.add(task);
      schedule();
    },
    appendEvent(event) {
      pending.events.push(event);
      schedule();
    },
    committed() {
      if (isEmpty(pending)) return writing ?? Promise.resolve();
      return pending.committed;
    },
    async flush() {
      while (writing || !isEmpty(pending)) {
        if (writing) {
          await writing;
          continue;
        }
        if (timer) clearTimeout(timer);
        await write();
      }
    },
  };
}

function newBatch(): PendingBatch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  // Nobody may be waiting for this batch; a failure is reported through onError.
  committed.catch(() => {});
  return { ...emptyBatch(), committed, resolve, reject };
}

function emptyBatch(): Batch {
  return { newRuns: new Set(), changedRuns: new Set(), newTasks: new Set(), changedTasks: new Set(), events: [] };
}

/** The batch's rows and events, one batch per run, in the order they were queued. */
function splitByRun(batch: Batch): Batch[] {
  const parts = new Map<string, Batch>();
  const partOf = (runId: string) => {
    let part = parts.get(runId);
    if (!part) parts.set(runId, (part = emptyBatch()));
    return part;
  };
  for (const run of batch.newRuns) partOf(run.id).newRuns.add(run);
  for (const run of batch.changedRuns) partOf(run.id).changedRuns.add(run);
  for (const task of batch.newTasks) partOf(task.runId).newTasks.add(task);
  for (const task of batch.changedTasks) partOf(task.runId).changedTasks.add(task);
  for (const event of batch.events) partOf(event.runId).events.push(event);
  return [...parts.values()];
}

function isEmpty(batch: Batch): boolean {
  return (
    batch.newRuns.size === 0 &&
    batch.changedRuns.size === 0 &&
    batch.newTasks.size === 0 &&
    batch.changedTasks.size === 0 &&
    batch.events.length === 0
  );
}

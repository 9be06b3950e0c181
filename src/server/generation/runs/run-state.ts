// The engine's in-memory model of a run: its DAG with readiness bookkeeping. Built for new runs
// from task specs and for resumed runs from stored rows.
import { setMaxListeners } from "node:events";
import type { Prisma } from "@/generated/prisma/client";
import { emptyTally, type RunTally } from "./run-metrics";
import { sortableId } from "../storage/sortable-id";
import type { StoredRun, StoredTask } from "../storage/run-rows";
import type { RunDetails, RunInfo, RunSettings, RunStatus, TaskKind, TaskSpec, TaskStatus } from "../types";
import { TERMINAL_TASK_STATUSES } from "../types";

export interface TaskState extends StoredTask {
  /** The output as handlers see it (parsed from outputJson). */
  output: unknown;
  /** Dependencies not yet succeeded. */
  waitingOn: number;
  dependents: TaskState[];
}

export interface RunState extends StoredRun {
  tasks: Map<string, TaskState>;
  /** Tasks whose dependencies have all succeeded, in the order they became ready. */
  ready: TaskState[];
  readyHead: number;
  /** Tasks executing now (holding one of the run's workers). */
  running: number;
  /** Tasks not yet in a terminal status. */
  unfinished: number;
  nextSeq: number;
  nextPosition: number;
  /** Aborted on cancel and on shutdown; every task's signal. */
  abort: AbortController;
  cancelling: boolean;
  /** Another process holds the run now (a worker lost its hold): nothing more of it is started or written here. */
  released: boolean;
  resumed: boolean;
  /** The position last announced with a queue-position event. */
  announcedPosition: number;
  tally: RunTally;
}

export function runInfo(run: RunState): RunInfo {
  return { id: run.id, kind: run.kind, teamId: run.teamId, ownerId: run.ownerId, subjectId: run.subjectId, settings: run.settings };
}

/** The live state of a run this process manages, in the shape readers get from the database. */
export function runDetails(run: RunState): RunDetails {
  const date = (milliseconds: number | null) => (milliseconds === null ? null : new Date(milliseconds));
  return {
    ...runInfo(run),
    status: run.status,
    counts: { ...run.counts },
    metrics: run.metrics,
    queuedAt: new Date(run.queuedAt),
    startedAt: date(run.startedAt),
    endedAt: date(run.endedAt),
    tasks: [...run.tasks.values()]
      .sort((left, right) => left.position - right.position)
      .map((task) => ({
        id: task.id,
        key: task.key,
        type: task.type,
        kind: task.kind,
        dependsOn: task.dependsOn,
        input: JSON.parse(task.inputJson),
        output: task.output,
        status: task.status,
        attempts: task.attempts,
        lastError: task.lastError,
        startedAt: date(task.startedAt),
        endedAt: date(task.endedAt),
        durationMs: task.durationMs,
      })),
  };
}

export function createRunState(fields: {
  kind: string;
  teamId: string;
  ownerId: string;
  subjectId: string | null;
  settings: RunSettings;
  queuedAt: number;
}): RunState {
  const abort = new AbortController();
  // Every task of the run that waits (for a slot, a retry, a reply) listens to this signal.
  setMaxListeners(0, abort.signal);
  return {
    id: sortableId(),
    ...fields,
    status: "queued",
    counts: { total: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 },
    metrics: null,
    startedAt: null,
    endedAt: null,
    tasks: new Map(),
    ready: [],
    readyHead: 0,
    running: 0,
    unfinished: 0,
    nextSeq: 1,
    nextPosition: 0,
    abort,
    cancelling: false,
    released: false,
    resumed: false,
    announcedPosition: 0,
    tally: emptyTally(),
  };
}

/**
 * Adds tasks from their specs (already validated) and links them to their dependencies.
 * `budgetOf` names the budget of a (registered) task type: the task's kind.
 */
export function addTasks(run: RunState, specs: readonly TaskSpec[], budgetOf: (type: string) => TaskKind): TaskState[] {
  const added = specs.map((spec): TaskState => ({
    id: sortableId(),
    runId: run.id,
    key: spec.key,
    type: spec.type,
    kind: budgetOf(spec.type),
    dependsOn: spec.dependsOn ?? [],
    inputJson: JSON.stringify(spec.input ?? null),
    outputJson: null,
    output: null,
    status: "queued",
    attempts: 0,
    lastError: null,
    position: run.nextPosition++,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    waitingOn: 0,
    dependents: [],
  }));
  link(run, added);
  return added;
}

// Every task is registered before any is linked, so specs may name dependencies in any order.
function link(run: RunState, tasks: readonly TaskState[]): void {
  for (const task of tasks) {
    run.tasks.set(task.key, task);
    run.counts.total++;
    countStatus(run, task.status, 1);
  }
  for (const task of tasks) for (const key of task.dependsOn) run.tasks.get(key)?.dependents.push(task);
}

/** Keeps the run's counts in step with a task's status change. */
export function countStatus(run: RunState, status: TaskStatus, delta: 1 | -1): void {
  if (status === "succeeded" || status === "failed" || status === "skipped" || status === "cancelled") {
    run.counts[status] += delta;
  }
  if (!TERMINAL_TASK_STATUSES.has(status)) run.unfinished += delta;
}

export function parseSettings(json: string): RunSettings {
  const parsed = JSON.parse(json) as Partial<RunSettings>;
  return { maxWorkers: parsed.maxWorkers ?? 1, options: parsed.options ?? {} };
}

type RunRow = Prisma.RunGetPayload<object>;
type TaskRow = Prisma.TaskGetPayload<object>;

/** Rebuilds a stored run and its DAG from its rows. */
export function hydrateRunState(row: RunRow, taskRows: TaskRow[], lastSeq: number): RunState {
  const run: RunState = {
    ...createRunState({
      kind: row.kind,
      teamId: row.teamId,
      ownerId: row.ownerId,
      subjectId: row.subjectId,
      settings: parseSettings(row.settings),
      queuedAt: row.queuedAt.getTime(),
    }),
    id: row.id,
    status: row.status as RunStatus,
    startedAt: row.startedAt?.getTime() ?? null,
    endedAt: row.endedAt?.getTime() ?? null,
    nextSeq: lastSeq + 1,
    resumed: true,
  };
  const pending: TaskState[] = [];
  for (const row of [...taskRows].sort((left, right) => left.position - right.position)) {
    const task: TaskState = {
      id: row.id,
      runId: row.runId,
      key: row.key,
      type: row.type,
      kind: row.kind,
      dependsOn: JSON.parse(row.dependsOn) as string[],
      inputJson: row.input,
      outputJson: row.output,
      output: row.output === null ? null : JSON.parse(row.output),
      status: row.status as TaskStatus,
      attempts: row.attempts,
      lastError: row.lastError,
      position: row.position,
      startedAt: row.startedAt?.getTime() ?? null,
      endedAt: row.endedAt?.getTime() ?? null,
      durationMs: row.durationMs,
      waitingOn: 0,
      dependents: [],
    };
    pending.push(task);
    run.nextPosition = Math.max(run.nextPosition, row.position + 1);
  }
  link(run, pending);
  return run;
}

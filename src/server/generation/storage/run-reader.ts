// The engine's reads: runs, tasks and events back from the database as plain objects (JSON
// parsed), and the stored state of a run to resume. Writes go through the BatchWriter; together
// they are the engine's storage seam, so no feature reads the engine's tables itself.
import type { Database } from "@/server/db";
import { hydrateRunState, parseSettings, type RunState } from "../runs/run-state";
import type { RunEvent } from "../events/run-events";
import type { RunDetails, RunMetrics, RunStatus, TaskDetails, TaskStatus } from "../types";

export interface RunReader {
  readRun(runId: string): Promise<RunDetails | null>;
  /** The stored run rebuilt as the engine's in-memory state, to resume or retry it. */
  loadRunState(runId: string): Promise<RunState | null>;
  /** The run's stored events with seq greater than `afterSeq`, oldest first. */
  eventsAfter(runId: string, afterSeq: number): Promise<RunEvent[]>;
  /** Stored statuses of the given runs (missing runs are left out). */
  statuses(runIds: readonly string[]): Promise<Map<string, RunStatus>>;
  /** Runs a previous process left queued or running, oldest first. */
  unfinishedRunIds(): Promise<string[]>;
  /** The stored runs of the subject that are queued or running (where runs execute in other processes). */
  activeRunIdsOf(subjectId: string): Promise<string[]>;
  /** The run's newest `count` stored events, oldest first. */
  lastEvents(runId: string, count: number): Promise<RunEvent[]>;
}

export function createPrismaRunReader(db: Database): RunReader {
  return {
    readRun: (runId) => readRun(db, runId),
    async loadRunState(runId) {
      const row = await db.run.findUnique({ where: { id: runId }, include: { tasks: true } });
      if (!row) return null;
      return hydrateRunState(row, row.tasks, await readLastSeq(db, runId));
    },
    eventsAfter: (runId, afterSeq) => readEventsAfter(db, runId, afterSeq),
    async statuses(runIds) {
      if (runIds.length === 0) return new Map();
      const rows = await db.run.findMany({ where: { id: { in: [...runIds] } }, select: { id: true, status: true } });
      return new Map(rows.map((row) => [row.id, row.status as RunStatus]));
    },
    async unfinishedRunIds() {
      const rows = await db.run.findMany({
        where: { status: { in: ["queued", "running"] } },
        orderBy: { queuedAt: "asc" },
        select: { id: true },
      });
      return rows.map((row) => row.id);
    },
    async activeRunIdsOf(subjectId) {
      const rows = await db.run.findMany({ where: { subjectId, status: { in: ["queued", "running"] } }, select: { id: true } });
      return rows.map((row) => row.id);
    },
    async lastEvents(runId, count) {
      const newest = await db.runEvent.findFirst({ where: { runId }, orderBy: { seq: "desc" }, select: { seq: true } });
      return newest ? readEventsAfter(db, runId, Math.max(0, newest.seq - count)) : [];
    },
  };
}

async function readRun(db: Database, runId: string): Promise<RunDetails | null> {
  const row = await db.run.findUnique({ where: { id: runId }, include: { tasks: { orderBy: { position: "asc" } } } });
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    teamId: row.teamId,
    ownerId: row.ownerId,
    subjectId: row.subjectId,
    settings: parseSettings(row.settings),
    status: row.status as RunStatus,
    counts: { total: row.total, succeeded: row.succeeded, failed: row.failed, skipped: row.skipped, cancelled: row.cancelled },
    metrics: row.metrics === null ? null : (JSON.parse(row.metrics) as RunMetrics),
    queuedAt: row.queuedAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    tasks: row.tasks.map(
      (task): TaskDetails => ({
        id: task.id,
        key: task.key,
        type: task.type,
        kind: task.kind,
        dependsOn: JSON.parse(task.dependsOn) as string[],
        input: JSON.parse(task.input),
        output: task.output === null ? null : JSON.parse(task.output),
        status: task.status as TaskStatus,
        attempts: task.attempts,
        lastError: task.lastError,
        startedAt: task.startedAt,
        endedAt: task.endedAt,
        durationMs: task.durationMs,
      }),
    ),
  };
}

async function readEventsAfter(db: Database, runId: string, afterSeq: number): Promise<RunEvent[]> {
  const rows = await db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" } });
  return rows.map(
    (row) =>
      ({
        runId: row.runId,
        seq: row.seq,
        type: row.type,
        payload: JSON.parse(row.payload),
        createdAt: row.createdAt,
      }) as RunEvent,
  );
}

async function readLastSeq(db: Database, runId: string): Promise<number> {
  const result = await db.runEvent.aggregate({ where: { runId }, _max: { seq: true } });
  return result._max.seq ?? 0;
}

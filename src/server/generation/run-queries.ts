// Reads runs, tasks and events back from the database as plain objects (JSON parsed).
import type { Database } from "@/server/db";
import { parseSettings } from "./run-state";
import type { RunEvent } from "./run-events";
import type { RunDetails, RunMetrics, RunStatus, TaskDetails, TaskKind, TaskStatus } from "./types";

export async function readRun(db: Database, runId: string): Promise<RunDetails | null> {
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
        kind: task.kind as TaskKind,
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

/** The run's stored events with seq greater than `afterSeq`, oldest first. */
export async function readEventsAfter(db: Database, runId: string, afterSeq: number): Promise<RunEvent[]> {
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

export async function readLastSeq(db: Database, runId: string): Promise<number> {
  const result = await db.runEvent.aggregate({ where: { runId }, _max: { seq: true } });
  return result._max.seq ?? 0;
}

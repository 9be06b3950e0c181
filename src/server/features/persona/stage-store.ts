// Stage results and posts as stored versions. A new result (generated, edited, imported, restored)
// is always a new version; the highest version is current, so there is exactly one current result
// per stage without a pointer to keep in step. A version written by a task carries the task's id,
// and a task executed again (after a crash) finds it instead of paying for a second one.
import crypto from "node:crypto";
import type { Database } from "@/server/db";
import { postSchema, STAGE_SCHEMAS, type ObjectStage, type Post, type StageData } from "./schemas";

export type StageOrigin = "generated" | "edited" | "imported" | "restored";

export interface StageVersion<Data> {
  id: string;
  version: number;
  data: Data;
  origin: StageOrigin;
  createdAt: Date;
}

export type CurrentStages = { [Stage in ObjectStage]?: StageVersion<StageData[Stage]> };

/** The current (highest) version of every stage the persona has a result for. */
export async function currentStages(db: Database, personaId: string): Promise<CurrentStages> {
  const rows = await db.personaStage.findMany({ where: { personaId }, orderBy: { version: "asc" } });
  const current: Record<string, StageVersion<unknown>> = {};
  for (const row of rows) {
    current[row.stage] = { id: row.id, version: row.version, data: row.data, origin: row.origin as StageOrigin, createdAt: row.createdAt };
  }
  return current as CurrentStages;
}

/** Every version of every stage, oldest first, by stage. */
export async function stageHistory(db: Database, personaId: string): Promise<Map<ObjectStage, StageVersion<unknown>[]>> {
  const rows = await db.personaStage.findMany({ where: { personaId }, orderBy: { version: "asc" } });
  const history = new Map<ObjectStage, StageVersion<unknown>[]>();
  for (const row of rows) {
    const stage = row.stage as ObjectStage;
    const versions = history.get(stage) ?? [];
    versions.push({ id: row.id, version: row.version, data: row.data, origin: row.origin as StageOrigin, createdAt: row.createdAt });
    history.set(stage, versions);
  }
  return history;
}

/** The current version of each post, by position; older versions counted. */
export async function currentPosts(db: Database, personaId: string): Promise<Array<StageVersion<Post> & { position: number; versions: number }>> {
  const rows = await db.personaPost.findMany({ where: { personaId }, orderBy: [{ position: "asc" }, { version: "asc" }] });
  const byPosition = new Map<number, (typeof rows)[number][]>();
  for (const row of rows) byPosition.set(row.position, [...(byPosition.get(row.position) ?? []), row]);
  return [...byPosition.entries()].map(([position, versions]) => {
    const row = versions.at(-1)!;
    return { id: row.id, position, version: row.version, versions: versions.length, data: row.data as Post, origin: row.origin as StageOrigin, createdAt: row.createdAt };
  });
}

interface NewVersion<Data> {
  personaId: string;
  data: Data;
  origin: StageOrigin;
  taskId?: string;
}

/**
 * Stores a new version of a stage, checked against the stage's schema. Its number is taken inside
 * the transaction that writes it, so an edit and a task finishing at once cannot both take it.
 * The persona's row is updated first: on PostgreSQL that locks it until the commit, so a second
 * transaction waits and then reads the number the first one wrote (SQLite runs one at a time).
 */
export async function saveStageVersion<Stage extends ObjectStage>(
  db: Database,
  stage: Stage,
  version: NewVersion<StageData[Stage]>,
): Promise<{ id: string; version: number }> {
  const data = STAGE_SCHEMAS[stage].parse(version.data);
  return db.$transaction(async (transaction) => {
    if (version.taskId) {
      const existing = await transaction.personaStage.findUnique({ where: { taskId: version.taskId } });
      if (existing) return { id: existing.id, version: existing.version };
    }
    // Stage 1 names the persona everywhere (lists, cards), so its name follows the current core.
    const name = stage === "core" ? (data as StageData["core"]).name : undefined;
    await transaction.persona.update({ where: { id: version.personaId }, data: { updatedAt: new Date(), ...(name ? { name } : {}) } });
    const latest = await transaction.personaStage.findFirst({
      where: { personaId: version.personaId, stage },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const created = await transaction.personaStage.create({
      data: {
        id: crypto.randomUUID(),
        personaId: version.personaId,
        stage,
        version: (latest?.version ?? 0) + 1,
        data,
        origin: version.origin,
        taskId: version.taskId ?? null,
      },
    });
    return { id: created.id, version: created.version };
  });
}

/** Stores a new version of one post, checked against the post schema, numbered as stages are. */
export async function savePostVersion(
  db: Database,
  position: number,
  version: NewVersion<Post>,
): Promise<{ id: string; version: number }> {
  const data = postSchema.parse(version.data);
  return db.$transaction(async (transaction) => {
    if (version.taskId) {
      const existing = await transaction.personaPost.findUnique({ where: { taskId: version.taskId } });
      if (existing) return { id: existing.id, version: existing.version };
    }
    await transaction.persona.update({ where: { id: version.personaId }, data: { updatedAt: new Date() } });
    const latest = await transaction.personaPost.findFirst({
      where: { personaId: version.personaId, position },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const created = await transaction.personaPost.create({
      data: {
        id: crypto.randomUUID(),
        personaId: version.personaId,
        position,
        version: (latest?.version ?? 0) + 1,
        data,
        origin: version.origin,
        taskId: version.taskId ?? null,
      },
    });
    return { id: created.id, version: created.version };
  });
}

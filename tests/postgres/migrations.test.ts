// The PostgreSQL migrations (prisma/postgres/migrations) on a server (npm run test:postgres):
// together they build exactly the database prisma/postgres/schema.prisma describes, `migrate
// deploy` applies them through the pg adapter (with its workarounds, prisma.config.ts), and
// their data steps carry stored rows over as the SQLite migrations of the same name do.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, expect, test } from "vitest";
import { applyPostgresMigrations, createEmptyPostgresDatabase } from "../helpers/postgres-database";

const root = path.resolve(import.meta.dirname, "../..");
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyPostgresDatabase();
  drops.push(database.drop);
  return database.url;
}

function prisma(args: string[], databaseUrl?: string) {
  const env = { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const result = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), ...args], { cwd: root, env, encoding: "utf8" });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  return result.stdout;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Tables, columns (type, nullability, default), constraints and indexes of the public schema. */
async function describeSchema(url: string) {
  return {
    columns: await query(
      url,
      `SELECT table_name, column_name, data_type, datetime_precision, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`,
    ),
    constraints: await query(
      url,
      `SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`,
    ),
    indexes: await query(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1, 2`,
    ),
  };
}

test("the PostgreSQL migrations build exactly the database the PostgreSQL schema describes", async () => {
  const migrated = await emptyDatabase();
  await applyPostgresMigrations(migrated);
  // What Prisma itself would create for the schema, written out as SQL by the CLI.
  const described = await emptyDatabase();
  const script = prisma(["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/postgres/schema.prisma", "--script"]);
  await query(described, script);

  const actual = await describeSchema(migrated);
  expect(actual.columns.length).toBeGreaterThan(100);
  expect(actual).toEqual(await describeSchema(described));
});

test("migrate deploy applies the PostgreSQL migrations through the pg adapter, once", { timeout: 120_000 }, async () => {
  const url = await emptyDatabase();
  prisma(["migrate", "deploy"], url);
  const applied = await query<{ migration_name: string; finished: boolean }>(
    url,
    `SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name`,
  );
  expect(applied.map((row) => row.migration_name)).toEqual([
    "0001_init", "0002_generation_engine", "0003_story_projects", "0004_drop_unused_task_index", "0005_task_types",
    "0006_image_assets", "0007_provider_limits", "0008_personas", "0009_slide_decks",
  ]);
  expect(applied.every((row) => row.finished)).toBe(true);
  expect(prisma(["migrate", "deploy"], url)).toContain("No pending migrations");
});

test("0005 gives stored story tasks the type their input named, and 0006 turns scene images into images", async () => {
  const url = await emptyDatabase();
  await applyPostgresMigrations(url, (name) => name < "0005");
  const now = "2025-03-01T10:00:00.000";
  await query(url, `INSERT INTO "run" ("id", "kind", "teamId", "ownerId", "status", "queuedAt") VALUES ('run-story', 'story', 't', 'u', 'running', $1), ('run-other', 'bench', 't', 'u', 'running', $1)`, [now]);
  await query(
    url,
    `INSERT INTO "task" ("id", "runId", "key", "kind", "input", "status", "position") VALUES
       ('t1', 'run-story', 'analyse', 'text', $1, 'queued', 0),
       ('t2', 'run-story', 'image:s', 'image', $2, 'queued', 1),
       ('t3', 'run-other', 'x', 'image', $3, 'queued', 0)`,
    [JSON.stringify({ type: "analyse", projectId: "p" }), JSON.stringify({ type: "image", sceneId: "s" }), JSON.stringify({ index: 1 })],
  );
  await query(url, `INSERT INTO "story_project" ("id", "teamId", "ownerId", "title", "story", "style", "size", "quality", "maxWorkers", "updatedAt") VALUES ('p', 'team-a', 'u', 'T', 'S', 'ink', '1024x1024', 'hd', 2, $1)`, [now]);
  await query(
    url,
    `INSERT INTO "story_scene" ("id", "projectId", "position", "title", "summary", "setting", "mood", "charactersPresent", "styleTags", "charactersInScene", "currentImageId")
     VALUES ('s', 'p', 0, 'A', 'B', 'C', 'D', '["Maren"]', '["ink"]', '[]', 'image-1'), ('s2', 'p', 1, 'A', 'B', 'C', 'D', '[]', '[]', '[]', 'gone')`,
  );
  await query(
    url,
    `INSERT INTO "scene_image" ("id", "sceneId", "version", "taskId", "file", "thumbnailFile", "width", "height", "provider", "model", "size", "quality", "style", "prompt", "negativePrompt", "revisedPrompt", "seed", "attempts", "durationMs", "createdAt")
     VALUES ('image-1', 's', 1, 't2', 'a.png', 'a.webp', 64, 48, 'openai', 'dall-e-3', '1024x1024', 'hd', NULL, 'Maren rows', NULL, 'A boat', 2147483646, 3, 4200, $1)`,
    [now],
  );

  await applyPostgresMigrations(url, (name) => name >= "0005");
  expect(await query(url, `SELECT "id", "type" FROM "task" ORDER BY "id"`)).toEqual([
    { id: "t1", type: "story.analyse" },
    { id: "t2", type: "story.image" },
    { id: "t3", type: "" },
  ]);
  expect(await query(url, `SELECT "id", "teamId", "ownerKind", "ownerId", "version", "taskId", "parameters" FROM "image"`)).toEqual([
    {
      id: "image-1", teamId: "team-a", ownerKind: "scene", ownerId: "s", version: 1, taskId: "t2",
      parameters: {
        provider: "openai", model: "dall-e-3", size: "1024x1024", quality: "hd", style: null, prompt: "Maren rows",
        negativePrompt: null, revisedPrompt: "A boat", seed: 2147483646,
      },
    },
  ]);
  expect(await query(url, `SELECT "id", "currentImageId", "charactersPresent", "styleTags" FROM "story_scene" ORDER BY "id"`)).toEqual([
    { id: "s", currentImageId: "image-1", charactersPresent: ["Maren"], styleTags: ["ink"] },
    { id: "s2", currentImageId: null, charactersPresent: [], styleTags: [] },
  ]);
});

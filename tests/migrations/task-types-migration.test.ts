// Migration 0005 on a database in use: tasks stored before task types existed carried their
// story step in their input's "type" field. After the migration every story task names its
// registered type, so the engine can resume or retry a run stored by the previous version.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { applyMigrations } from "../helpers/database";

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-migration-"));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

test("stored story tasks get the type their input named; other runs' tasks are left for their domain", () => {
  const file = path.join(directory, "old.db");
  applyMigrations(file, (name) => name < "0005");
  const sqlite = new Database(file);
  const now = "2025-03-01T10:00:00.000+00:00";
  const insertRun = sqlite.prepare(`INSERT INTO "run" ("id", "kind", "teamId", "ownerId", "status", "queuedAt") VALUES (?, ?, 't', 'u', 'running', ?)`);
  const insertTask = sqlite.prepare(`INSERT INTO "task" ("id", "runId", "key", "kind", "input", "status", "position") VALUES (?, ?, ?, ?, ?, 'queued', ?)`);
  insertRun.run("run-story", "story", now);
  insertRun.run("run-other", "bench", now);
  insertTask.run("t1", "run-story", "analyse", "text", JSON.stringify({ type: "analyse", projectId: "p" }), 0);
  insertTask.run("t2", "run-story", "prompt:s", "text", JSON.stringify({ type: "prompt", projectId: "p", sceneId: "s" }), 1);
  insertTask.run("t3", "run-story", "image:s", "image", JSON.stringify({ type: "image", projectId: "p", sceneId: "s" }), 2);
  insertTask.run("t4", "run-other", "x", "image", JSON.stringify({ index: 1 }), 0);
  sqlite.close();

  applyMigrations(file, (name) => name >= "0005");
  const migrated = new Database(file, { readonly: true });
  const rows = migrated.prepare(`SELECT "id", "type", "kind" FROM "task" ORDER BY "id"`).all();
  migrated.close();
  expect(rows).toEqual([
    { id: "t1", type: "story.analyse", kind: "text" },
    { id: "t2", type: "story.prompt", kind: "text" },
    { id: "t3", type: "story.image", kind: "image" },
    { id: "t4", type: "", kind: "image" },
  ]);
});

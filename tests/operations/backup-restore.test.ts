// `npm run backup` of a live database and `npm run restore` of it, as an operator runs them: a
// separate process keeps creating and deleting projects (with their image files) and personas while
// the backup runs; the backup is restored into an empty data folder, where the database passes
// SQLite's integrity check, holds whole runs only (a run with all its tasks and events, a project
// whose run succeeded with its scenes), every image file its rows name and no other, and lies between the states before
// and after the backup. The restore refuses while a server runs on the folder it would replace.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FILE_COLUMNS, filesOnDisk, referencedFiles } from "@/server/storage/stored-files";
import { applyMigrations } from "../helpers/database";

const root = path.resolve(import.meta.dirname, "../..");
let live: string;
let restored: string;
let writer: ChildProcess;
let writerOutput = "";

const envFor = (directory: string): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "production",
  DATA_DIR: directory,
  DATABASE_URL: `file:${path.join(directory, "storyforge.db")}`,
  BETTER_AUTH_SECRET: "backup-test-secret-0123456789abcdef0123",
  GENERATION_PROVIDER: "offline",
});

const committed = () => Number(/committed (\d+) \d+\n(?![\s\S]*committed)/.exec(writerOutput)?.[1] ?? 0);

beforeAll(() => {
  live = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-live-"));
  restored = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-restored-"));
  const migrated = spawnSync(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"], { cwd: root, env: envFor(live), encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(migrated.stderr);
  writer = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "live-writer.ts")], { cwd: root, env: envFor(live), stdio: ["ignore", "pipe", "pipe"] });
  writer.stdout!.on("data", (chunk: Buffer) => (writerOutput += chunk.toString()));
  writer.stderr!.on("data", (chunk: Buffer) => (writerOutput += chunk.toString()));
});
afterAll(() => {
  if (writer.exitCode === null) writer.kill("SIGKILL");
  fs.rmSync(live, { recursive: true, force: true });
  fs.rmSync(restored, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string, limitMs = 60_000) {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > limitMs) throw new Error(`Gave up waiting until ${what}; the writer said:\n${writerOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `npm run <script> -- <argument>` as an operator would (the test's event loop keeps running). */
function runScript(script: "backup" | "restore", directory: string, argument: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "scripts", `${script}.mjs`), ...(argument ? [argument] : [])], { cwd: root, env: envFor(directory) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

test("every table column that names a stored file is one the backup knows", () => {
  const file = path.join(restored, "schema.db");
  applyMigrations(file);
  const sqlite = new Database(file);
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
  const columns = tables.flatMap(({ name }) => (sqlite.pragma(`table_info("${name}")`) as Array<{ name: string }>).filter((column) => /file$/i.test(column.name)).map((column) => `${name}.${column.name}`));
  sqlite.close();
  fs.rmSync(file);
  expect(columns.sort()).toEqual(FILE_COLUMNS.map(([table, column]) => `${table}.${column}`).sort());
});

/** The checks of a restored data folder: see the file's first comment. */
async function expectConsistent(directory: string, folder: string) {
  const sqlite = new Database(path.join(directory, "storyforge.db"), { readonly: true });
  try {
    expect(sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(sqlite.pragma("foreign_key_check")).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as { database: { tables: Record<string, number> } };
    const projects = (sqlite.prepare("SELECT count(*) AS count FROM story_project").get() as { count: number }).count;
    expect(projects).toBe(manifest.database.tables.story_project);
    expect(projects).toBeGreaterThan(0);
    // Whole runs only: each run's tasks were stored with it, and a finished run has its run-end event.
    const runs = sqlite.prepare("SELECT id, status, (SELECT count(*) FROM task WHERE task.runId = run.id) AS tasks, (SELECT count(*) FROM run_event WHERE run_event.runId = run.id AND type = 'run-end') AS ends FROM run").all() as Array<{ status: string; tasks: number; ends: number }>;
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.tasks).toBeGreaterThan(0);
      if (["succeeded", "failed", "cancelled"].includes(run.status)) expect(run.ends).toBe(1);
    }
    // A project whose run has succeeded has its scenes (a project caught before its analysis was
    // stored has none yet, and its run is not over); event numbers have no gap.
    const withoutScenes = sqlite.prepare(
      "SELECT id FROM story_project WHERE NOT EXISTS (SELECT 1 FROM story_scene WHERE story_scene.projectId = story_project.id) AND EXISTS (SELECT 1 FROM run WHERE run.subjectId = story_project.id AND run.status = 'succeeded')",
    );
    expect(withoutScenes.all()).toEqual([]);
    expect(sqlite.prepare("SELECT runId FROM run_event GROUP BY runId HAVING count(*) != max(seq)").all()).toEqual([]);
    // Every named file is there and whole; nothing else is.
    const named = referencedFiles(sqlite);
    const present = filesOnDisk(path.join(directory, "images"));
    expect(present).toEqual([...named].sort());
    for (const name of present.filter((file) => file.endsWith(".png")).slice(0, 10)) expect((await sharp(path.join(directory, "images", name)).metadata()).format).toBe("png");
  } finally {
    sqlite.close();
  }
}

test("backups taken while the database is written to restore into consistent, complete copies", { timeout: 120_000 }, async () => {
  await until(() => committed() >= 4, "the writer has made a few projects");
  const folders: string[] = [];
  for (const target of [path.join(os.tmpdir(), `storyforge-backup-${process.pid}`), ""]) {
    const before = committed();
    const backup = await runScript("backup", live, target);
    expect(backup.status, backup.stderr + backup.stdout).toBe(0);
    expect(backup.stdout).toMatch(/Backup written to .*\n.*integrity ok/);
    folders.push(/Backup written to (.*)/.exec(backup.stdout)![1]!);
    // The writer kept committing while the backup ran.
    expect(committed()).toBeGreaterThan(before);
  }
  expect(folders[1]).toMatch(new RegExp(`^${live}/backups/storyforge-\\d{8}-\\d{6}$`));

  const refused = await runScript("restore", live, folders[0]!);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/A Storyforge server \(pid \d+\) is running on .*: stop it first, then restore\./);

  writer.kill("SIGTERM");
  await new Promise((resolve) => writer.once("exit", resolve));

  for (const folder of folders) {
    const target = fs.mkdtempSync(path.join(restored, "into-"));
    const restore = await runScript("restore", target, folder);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/^Restored the backup of .*migrations up to 0\d{3}_/);
    await expectConsistent(target, folder);
  }
  fs.rmSync(folders[0]!, { recursive: true, force: true });

  // A restore over existing data keeps what it replaced.
  const again = await runScript("restore", live, folders[1]!);
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/What it replaced is kept in .*backups\/replaced-\d{8}-\d{6}/);
  await expectConsistent(live, folders[1]!);
});

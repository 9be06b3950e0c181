// What a server removes at start (src/server/storage/orphan-files.ts): files under DATA_DIR/images
// that no row names and half-written `.tmp` files, never a file a row names. And the data folder's
// lock (server-lock.ts): a live server is reported, a dead one's leftover lock is not.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { sweepOrphanFiles } from "@/server/storage/orphan-files";
import { runningServer } from "@/server/storage/server-lock";
import { applyMigrations } from "../helpers/database";

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-orphans-"));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

test("removes unrecorded and half-written files, and keeps every file a row names", () => {
  const file = path.join(directory, "storyforge.db");
  applyMigrations(file);
  const sqlite = new Database(file);
  sqlite.pragma("foreign_keys = OFF");
  sqlite.prepare(`INSERT INTO image (id, teamId, ownerKind, ownerId, version, taskId, file, thumbnailFile, width, height, parameters, attempts, durationMs) VALUES ('i', 't', 'scene', 's', 1, 'task', 'a.png', 'a.webp', 1, 1, '{}', 1, 1)`).run();
  sqlite.prepare(`INSERT INTO persona_upload (id, teamId, uploaderId, file, thumbnailFile, width, height, originalFormat, originalBytes) VALUES ('u', 't', 'x', 'u.png', 'u.webp', 1, 1, 'png', 1)`).run();
  sqlite.close();
  const images = path.join(directory, "images");
  fs.mkdirSync(images);
  const names = ["a.png", "a.webp", "u.png", "u.webp", "lost.png", "lost.webp", "a.png.123.0f0e.tmp"];
  for (const name of names) fs.writeFileSync(path.join(images, name), "x");
  expect(sweepOrphanFiles(file, directory).removed.sort()).toEqual(["a.png.123.0f0e.tmp", "lost.png", "lost.webp"]);
  expect(fs.readdirSync(images).sort()).toEqual(["a.png", "a.webp", "u.png", "u.webp"]);
});

test("a live process named in server.pid is a running server; a dead one is not", async () => {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
  fs.writeFileSync(path.join(directory, "server.pid"), JSON.stringify({ pid: child.pid, startedAt: "now" }));
  expect(runningServer(directory)).toEqual({ pid: child.pid, startedAt: "now" });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  expect(runningServer(directory)).toBeNull();
});

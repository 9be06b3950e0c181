// Crash safety: the engine runs in a child process that is SIGKILLed mid-run; a new process
// resumes the run. Every task must end exactly once, and no task that had succeeded may reach
// the provider again. Tasks put their key in the model name, so the fake server's attempt log
// says which task each request came from.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { modelFor } from "./engine-fixtures";

const TASKS = 40;
let database: TestDatabase;
let fake: FakeProvider;
let imageDirectory: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeProvider({ latencyMs: 60, seed: 5 });
  imageDirectory = path.join(database.directory, "images");
  fs.mkdirSync(imageDirectory, { recursive: true });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await fake.close();
  await database.cleanup();
});

function startWorker(mode: "submit" | "resume"): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "crash-worker.ts")], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      FAKE_PROVIDER_URL: fake.url,
      IMAGE_DIRECTORY: imageDirectory,
      WORKER_MODE: mode,
      TASK_COUNT: String(TASKS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 30_000) throw new Error(`Gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("a run killed mid-way resumes in a new process: every task ends once, nothing succeeded is redone", { timeout: 90_000 }, async () => {
  const first = startWorker("submit");
  await until(() => /run \S+/.test(first.output()), `the worker printed its run id (output: ${first.output()})`);
  const runId = /run (\S+)/.exec(first.output())![1]!;
  await until(
    async () => (await database.db.task.count({ where: { runId, status: "succeeded" } })) >= 10 && fake.inFlight() > 0,
    "some tasks have succeeded while others are in flight",
  );
  first.child.kill("SIGKILL");
  await first.exited;

  const beforeRestart = await database.db.task.findMany({ where: { runId } });
  const succeededBefore = new Set(beforeRestart.filter((task) => task.status === "succeeded").map((task) => task.key));
  expect(succeededBefore.size).toBeGreaterThanOrEqual(10);
  expect(succeededBefore.size).toBeLessThan(TASKS);
  expect(beforeRestart.some((task) => task.status === "running" || task.status === "queued")).toBe(true);
  await until(() => fake.inFlight() === 0, "the server saw the killed process's calls go away");
  const attemptsBeforeRestart = fake.attempts().length;

  const second = startWorker("resume");
  expect(await second.exited).toBe(0);
  expect(second.output()).toContain(`resumed ${runId}`);

  const run = await database.db.run.findUniqueOrThrow({ where: { id: runId }, include: { tasks: true } });
  expect(run.status).toBe("succeeded");
  expect(run.tasks).toHaveLength(TASKS);
  expect(run.tasks.every((task) => task.status === "succeeded")).toBe(true);

  // Nothing that had succeeded reached the provider again.
  const afterRestart = fake.attempts().slice(attemptsBeforeRestart);
  expect(afterRestart.length).toBe(TASKS - succeededBefore.size);
  for (const key of succeededBefore) expect(afterRestart.some((attempt) => attempt.model === modelFor(key))).toBe(false);

  // Every task ended exactly once in the event log, whose numbering has no gap or repeat.
  const events = await database.db.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  const ends = events.filter((event) => event.type === "task-end").map((event) => (JSON.parse(event.payload) as { key: string }).key);
  expect(ends.sort()).toEqual(run.tasks.map((task) => task.key).sort());

  // Outputs were committed only after their file was complete: every referenced file is a whole PNG.
  for (const task of run.tasks) {
    const { file } = JSON.parse(task.output!) as { file: string };
    const metadata = await sharp(path.join(imageDirectory, file)).metadata();
    expect(metadata.format).toBe("png");
  }
});

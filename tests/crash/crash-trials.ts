// Crash trials: the app's server process (tests/crash/app-process.ts) is killed with SIGKILL at
// random moments while runs of every kind are under way, and started again, again and again; at
// the end it finishes everything. Then: no lost task (every run the server acknowledged ended,
// every task of it too), no duplicate current image (no owner got two pictures from one run, every
// current image is its owner's), no orphan file under DATA_DIR/images (and none missing), event
// numbering without gap, and SQLite's integrity check clean after every kill.
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { createDatabase } from "@/server/db";
import { seededRandom } from "@/server/providers/seeded-random";
import { filesOnDisk, referencedFiles } from "@/server/storage/stored-files";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider } from "../fake-provider/server";
import { createTestAuth, createUserWithTeam } from "../helpers/accounts";
import { applyMigrations } from "../helpers/database";
import type { CrashWork } from "./app-process";

export interface CrashTrialOptions {
  kills: number;
  seed: number;
  /** The longest a trial waits between its submissions and the kill. */
  maxKillDelayMs: number;
  log?: (line: string) => void;
}

export interface CrashTrialReport {
  kills: number;
  killsDuringRuns: number;
  tasksRunningAtKills: number;
  runsAcknowledged: number;
  runsResumed: number;
  filesSwept: number;
  tasks: number;
  tasksUnended: number;
  runsNotEnded: number;
  runsLost: number;
  duplicateImages: number;
  currentImagesWrong: number;
  orphanFiles: number;
  missingFiles: number;
  eventGaps: number;
  integrityChecks: number;
  integrityFailures: number;
  wallMs: number;
  problems: string[];
}

const WORK: CrashWork[] = ["story", "persona", "deck"];

export async function runCrashTrials(options: CrashTrialOptions): Promise<CrashTrialReport> {
  const log = options.log ?? (() => {});
  const startedAt = performance.now();
  const random = seededRandom(options.seed);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-crash-"));
  const file = path.join(directory, "storyforge.db");
  applyMigrations(file);
  const fake = await startFakeProvider({ seed: options.seed, latencyMs: { min: 150, max: 600 }, models: { "crash-image": { latencyMs: { min: 400, max: 1_500 } } } });
  fake.respondWith(offlineAnswers(OFFLINE_RESPONDERS));
  const setupDb = createDatabase(`file:${file}`);
  const user = await createUserWithTeam(createTestAuth(setupDb), setupDb, "Crash");
  await setupDb.$disconnect();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATA_DIR: directory,
    DATABASE_URL: `file:${file}`,
    BETTER_AUTH_SECRET: "crash-trials-secret-0123456789abcdef0123",
    GENERATION_PROVIDER: "openai",
    OPENAI_API_KEY: "crash",
    OPENAI_BASE_URL: fake.url,
    IMAGE_MODEL: "crash-image",
    LLM_TIMEOUT_SECONDS: "10",
    BATCH_MAX_CONCURRENT: "6",
    CRASH_USER_ID: user.id,
    CRASH_USER_EMAIL: user.email,
    CRASH_TEAM_ID: user.teamId,
  };

  const acknowledged = new Set<string>();
  const problems: string[] = [];
  const report = { kills: 0, killsDuringRuns: 0, tasksRunningAtKills: 0, runsResumed: 0, filesSwept: 0, integrityChecks: 0, integrityFailures: 0 };
  let round = 0;

  function start(): Promise<{ child: ChildProcess; submit(kind: CrashWork): Promise<string | null> }> {
    const child = fork(path.join(import.meta.dirname, "app-process.ts"), [], { env, execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env.CRASH_DEBUG) process.stderr.write(chunk);
    });
    const pending = new Map<number, (runId: string | null) => void>();
    let nextId = 1;
    child.on("message", (message: { id?: number; runId?: string; error?: string }) => {
      if (message.id === undefined) return;
      pending.get(message.id)?.(message.runId ?? null);
      pending.delete(message.id);
    });
    child.once("exit", () => {
      for (const resolve of pending.values()) resolve(null);
    });
    return new Promise((resolve, reject) => {
      child.once("exit", (code, signal) => reject(new Error(`The server process exited (${code ?? signal}) before it was ready:\n${stderr}`)));
      child.once("message", (message: { type?: string; resumed?: string[]; swept?: number }) => {
        if (message.type !== "ready") return;
        child.removeAllListeners("exit");
        child.once("exit", () => {
          for (const resolve of pending.values()) resolve(null);
        });
        report.runsResumed += message.resumed?.length ?? 0;
        report.filesSwept += message.swept ?? 0;
        resolve({
          child,
          submit: (kind) =>
            new Promise((done) => {
              const id = nextId++;
              pending.set(id, (runId) => {
                if (runId) acknowledged.add(runId);
                done(runId);
              });
              child.send({ id, kind, round: (round += 1) });
            }),
        });
      });
    });
  }

  function openWork(): { runs: number; tasks: number } {
    const sqlite = new Database(file, { readonly: true });
    try {
      return sqlite.prepare("SELECT (SELECT count(*) FROM run WHERE status IN ('queued', 'running')) AS runs, (SELECT count(*) FROM task WHERE status IN ('running', 'retrying')) AS tasks").get() as { runs: number; tasks: number };
    } finally {
      sqlite.close();
    }
  }

  function checkIntegrity(when: string) {
    const sqlite = new Database(file, { readonly: true });
    try {
      report.integrityChecks += 1;
      const result = sqlite.pragma("integrity_check", { simple: true });
      if (result !== "ok") {
        report.integrityFailures += 1;
        problems.push(`integrity check ${when}: ${String(result)}`);
      }
      return sqlite.prepare("SELECT (SELECT count(*) FROM run WHERE status IN ('queued', 'running')) AS runs, (SELECT count(*) FROM task WHERE status IN ('running', 'retrying')) AS tasks").get() as { runs: number; tasks: number };
    } finally {
      sqlite.close();
    }
  }

  for (let trial = 1; trial <= options.kills; trial += 1) {
    const server = await start();
    const submissions = 1 + Math.floor(random() * 3);
    const submitted: Array<Promise<string | null>> = [];
    for (let index = 0; index < submissions; index += 1) submitted.push(server.submit(WORK[(trial + index) % WORK.length]!));
    // Some kills land while submissions are still being answered, most while runs are under way;
    // when the runs have all ended by the chosen moment, more work comes first.
    if (random() < 0.7) await Promise.all(submitted);
    await new Promise((resolve) => setTimeout(resolve, Math.round(random() * options.maxKillDelayMs)));
    for (let extra = 0; extra < 3 && openWork().runs === 0; extra += 1) {
      await server.submit(WORK[(trial + extra) % WORK.length]!);
      await new Promise((resolve) => setTimeout(resolve, Math.round(random() * 400)));
    }
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGKILL");
    await exited;
    report.kills += 1;
    const open = checkIntegrity(`after kill ${trial}`);
    if (open.runs > 0) report.killsDuringRuns += 1;
    report.tasksRunningAtKills += open.tasks;
    log(`kill ${trial}: ${open.runs} run(s) under way, ${open.tasks} task(s) in flight`);
  }

  // The last start finishes everything, then stops cleanly.
  const last = await start();
  for (let waited = 0; ; waited += 100) {
    const sqlite = new Database(file, { readonly: true });
    const open = (sqlite.prepare("SELECT count(*) AS count FROM run WHERE status IN ('queued', 'running')").get() as { count: number }).count;
    sqlite.close();
    if (open === 0) break;
    if (waited > 120_000) {
      problems.push(`${open} run(s) still open two minutes after the last restart`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stopped = new Promise((resolve) => last.child.once("exit", resolve));
  last.child.kill("SIGTERM");
  await stopped;
  checkIntegrity("at the end");
  await fake.close();

  const sqlite = new Database(file, { readonly: true });
  const runs = sqlite.prepare("SELECT id, status FROM run").all() as Array<{ id: string; status: string }>;
  const runIds = new Set(runs.map((run) => run.id));
  const runsLost = [...acknowledged].filter((id) => !runIds.has(id)).length;
  const runsNotEnded = runs.filter((run) => !["succeeded", "failed", "cancelled"].includes(run.status)).length;
  const tasks = (sqlite.prepare("SELECT count(*) AS count FROM task").get() as { count: number }).count;
  const tasksUnended = (sqlite.prepare("SELECT count(*) AS count FROM task WHERE status NOT IN ('succeeded', 'failed', 'skipped', 'cancelled')").get() as { count: number }).count;
  // One run renders one picture per owner: a second is a task executed twice.
  const duplicateImages = (sqlite.prepare("SELECT count(*) AS count FROM (SELECT image.ownerKind, image.ownerId, task.runId FROM image JOIN task ON task.id = image.taskId GROUP BY 1, 2, 3 HAVING count(*) > 1)").get() as { count: number }).count;
  const currentImagesWrong =
    (sqlite.prepare("SELECT count(*) AS count FROM story_scene LEFT JOIN image ON image.id = story_scene.currentImageId WHERE story_scene.currentImageId IS NOT NULL AND (image.id IS NULL OR image.ownerId != story_scene.id)").get() as { count: number }).count +
    (sqlite.prepare("SELECT count(*) AS count FROM slide LEFT JOIN image ON image.id = slide.currentImageId WHERE slide.currentImageId IS NOT NULL AND (image.id IS NULL OR image.ownerId != slide.id)").get() as { count: number }).count +
    (sqlite.prepare("SELECT count(*) AS count FROM image LEFT JOIN task ON task.id = image.taskId WHERE task.id IS NULL OR task.status != 'succeeded'").get() as { count: number }).count;
  const named = referencedFiles(sqlite);
  const eventGaps = (sqlite.prepare("SELECT count(*) AS count FROM (SELECT runId FROM run_event GROUP BY runId HAVING count(*) != max(seq))").get() as { count: number }).count;
  sqlite.close();
  const onDisk = fs.readdirSync(path.join(directory, "images"));
  const orphanFiles = onDisk.filter((name) => !named.has(name)).length;
  const missingFiles = [...named].filter((name) => !filesOnDisk(path.join(directory, "images")).includes(name)).length;
  fs.rmSync(directory, { recursive: true, force: true });

  if (runsLost) problems.push(`${runsLost} acknowledged run(s) are gone`);
  if (runsNotEnded) problems.push(`${runsNotEnded} run(s) did not end`);
  if (tasksUnended) problems.push(`${tasksUnended} task(s) did not end`);
  if (duplicateImages) problems.push(`${duplicateImages} owner(s) got two pictures from one run`);
  if (currentImagesWrong) problems.push(`${currentImagesWrong} current image(s) or image rows without their task or owner`);
  if (orphanFiles) problems.push(`${orphanFiles} orphan file(s) under DATA_DIR/images`);
  if (missingFiles) problems.push(`${missingFiles} file(s) the database names are missing`);
  if (eventGaps) problems.push(`${eventGaps} run(s) with a gap in their event numbers`);
  if (report.killsDuringRuns < report.kills) problems.push(`${report.kills - report.killsDuringRuns} kill(s) landed when no run was under way`);
  return {
    ...report,
    runsAcknowledged: acknowledged.size,
    tasks,
    tasksUnended,
    runsNotEnded,
    runsLost,
    duplicateImages,
    currentImagesWrong,
    orphanFiles,
    missingFiles,
    eventGaps,
    wallMs: performance.now() - startedAt,
    problems,
  };
}

export function formatCrashReport(report: CrashTrialReport): string {
  return [
    `Crash trials: ${report.kills} × SIGKILL of the server process (${(report.wallMs / 1000).toFixed(0)} s)`,
    "",
    "| measure | value |",
    "| --- | ---: |",
    `| kills while runs were under way | ${report.killsDuringRuns} of ${report.kills} |`,
    `| tasks in flight at the kills | ${report.tasksRunningAtKills} |`,
    `| runs acknowledged / resumed after restarts | ${report.runsAcknowledged} / ${report.runsResumed} |`,
    `| tasks | ${report.tasks} |`,
    `| runs lost / not ended | ${report.runsLost} / ${report.runsNotEnded} |`,
    `| tasks not ended | ${report.tasksUnended} |`,
    `| owners with two pictures from one run | ${report.duplicateImages} |`,
    `| current images wrong | ${report.currentImagesWrong} |`,
    `| files swept at restarts (unfinished or unrecorded) | ${report.filesSwept} |`,
    `| orphan files / missing files at the end | ${report.orphanFiles} / ${report.missingFiles} |`,
    `| runs with an event gap | ${report.eventGaps} |`,
    `| integrity checks clean | ${report.integrityChecks - report.integrityFailures} of ${report.integrityChecks} |`,
    "",
    report.problems.length ? `FAILED: ${report.problems.join("; ")}` : "PASSED: every check",
  ].join("\n");
}

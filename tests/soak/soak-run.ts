// The fault soak: story projects, personas and slide decks submitted without pause through the app's
// routers, for a while, against the fake provider (real openai SDK path) answering 5xx, 429s, hangs
// and broken JSON. Every run is followed live (half of the followers drop and resume from their
// last event id, as a reconnecting browser does), and the report checks what the engine promises:
// every task ends, succeeded or failed with a reason; attempts stay near one per task; no run is
// stuck; memory is flat after warm-up; every event stream is whole, with no gap and no repeat.
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createPersonaRouter } from "@/server/api/routers/persona";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createSlidesRouter } from "@/server/api/routers/slides";
import { createStoryRouter } from "@/server/api/routers/story";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import { createDatabase } from "@/server/db";
import { DOMAINS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { followRun } from "@/server/generation/events/follow-run";
import { createEngine, type Engine } from "@/server/generation/engine";
import { createSqliteBatchWriter } from "@/server/generation/storage/sqlite-batch-writer";
import { createProviders } from "@/server/providers/create-providers";
import { createImageStore } from "@/server/storage/image-store";
import { createTestAuth, createUserWithTeam } from "../helpers/accounts";
import { applyMigrations } from "../helpers/database";
import { SOAK_IMAGE_MODEL, type FaultSettings, type FaultSummary } from "./faults";

export type WorkKind = "story" | "persona" | "deck";

export interface SoakOptions {
  /** How long new work keeps being submitted. */
  durationMs: number;
  /** The first share of the duration, after which memory must stay flat. */
  warmUpMs: number;
  /** Runs being worked on at once (each submitter starts the next when its run ends). */
  submitters: number;
  /** Multiplies the provider's latencies and waits; the engine's timeouts are scaled with it. */
  timeScale: number;
  seed: number;
  faults?: Partial<Pick<FaultSettings, "serverErrorRate" | "rateLimitRate" | "hangRate" | "malformedRate">>;
  /** How long runs may take to end after the last submission before they count as stuck. */
  drainMs: number;
  log?: (line: string) => void;
}

export interface KindFigures {
  runs: number;
  tasks: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Provider calls the tasks made, 429 refusals included (the engine counts every call). */
  attempts: number;
  /** Refusals for rate limiting: waits, not failed attempts. */
  rateLimitWaits: number;
}

export interface SoakReport {
  options: Omit<SoakOptions, "log">;
  wallMs: number;
  byKind: Record<WorkKind, KindFigures>;
  total: KindFigures;
  provider: FaultSummary;
  runsStuck: number;
  tasksUnended: number;
  failedWithoutReason: number;
  streams: { followed: number; resumed: number; complete: number; gaps: number; repeats: number };
  memory: { warmUpRssMb: number; endRssMb: number; growthMb: number; peakRssMb: number };
  /** What each budget had learned by the end: its window and the rate it paced to (null: not pacing). */
  budgets: Record<string, { window: number; ratePerSecond: number | null; limitSeen: number | null }>;
  problems: string[];
}

const DEFAULT_FAULTS = { serverErrorRate: 0.1, rateLimitRate: 0.05, hangRate: 0.02, malformedRate: 0.01 };
const MB = 1024 * 1024;

function startFaultProvider(settings: FaultSettings): Promise<{ url: string; child: ChildProcess; summary(): Promise<FaultSummary>; close(): Promise<void> }> {
  const child = fork(path.join(import.meta.dirname, "fault-provider-host.ts"), [JSON.stringify(settings)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let nextId = 1;
  const pending = new Map<number, (reply: { summary?: FaultSummary }) => void>();
  const ask = (type: "summary" | "close") =>
    new Promise<{ summary?: FaultSummary }>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ type, id });
    });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`The fault provider exited with ${code}`)));
    child.on("message", (message: { type?: string; url?: string; id?: number; summary?: FaultSummary }) => {
      if (message.type === "ready") {
        child.removeAllListeners("exit");
        resolve({
          url: message.url!,
          child,
          summary: async () => (await ask("summary")).summary!,
          close: async () => {
            await ask("close");
          },
        });
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
}

function callerFactory(services: { db: ReturnType<typeof createDatabase>; engine: Engine; images: ReturnType<typeof createImageStore> }) {
  const get = () => services;
  return createCallerFactory(
    createTRPCRouter({
      story: createStoryRouter(get),
      persona: createPersonaRouter(get),
      slides: createSlidesRouter(get),
      runs: createRunsRouter(() => services.engine),
    }),
  );
}

const rss = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const faults = { ...DEFAULT_FAULTS, ...options.faults };
  const scale = options.timeScale;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-soak-"));
  const file = path.join(directory, "soak.db");
  applyMigrations(file);
  const url = `file:${file}`;
  const provider = await startFaultProvider({
    seed: options.seed,
    timeScale: scale,
    textLatencyMs: { min: 600, max: 2_500 },
    imageLatencyMs: { min: 4_000, max: 12_000 },
    retryAfterMs: 3_000,
    ...faults,
  });
  const db = createDatabase(url);
  // A hang costs one timeout: a few times the slowest answer, as in production (120 s for ~20 s images).
  // Floors keep a busy machine's pauses (the fake provider composes its answers on one thread) from
  // reading as provider timeouts.
  const textTimeoutMs = Math.max(2_000, Math.round(8_000 * scale));
  const imageTimeoutMs = Math.max(3_000, Math.round(36_000 * scale));
  const providers = createProviders(
    parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "soak", OPENAI_BASE_URL: provider.url, IMAGE_MODEL: SOAK_IMAGE_MODEL, LLM_TIMEOUT_SECONDS: String(textTimeoutMs / 1000), IMAGE_TIMEOUT_SECONDS: String(imageTimeoutMs / 1000) }),
  );
  const images = createImageStore(directory);
  const engine = createEngine({
    db,
    writer: createSqliteBatchWriter(url),
    settings: {
      maxConcurrent: { text: 12, image: 8, vision: 4 },
      maxConcurrentRuns: options.submitters,
      defaultWorkers: 4,
      timeoutMs: { text: textTimeoutMs, image: imageTimeoutMs, vision: textTimeoutMs },
      retry: { maxAttempts: 4, baseDelayMs: Math.max(5, Math.round(500 * scale)), maxDelayMs: Math.max(50, Math.round(30_000 * scale)) },
      rateLimitMaxWaitMs: 600_000,
      slowestCallGapMs: Math.max(100, Math.round(60_000 * scale)),
    },
  });
  for (const domain of DOMAINS) engine.registerTaskTypes(domain.taskTypes({ db, providers, images }));
  const auth = createTestAuth(db);
  const user = await createUserWithTeam(auth, db, "Soak");
  const caller = callerFactory({ db, engine, images })(createInnerContext({ db, user: { id: user.id, name: user.name, email: user.email }, activeTeamId: user.teamId }));

  const runKinds = new Map<string, WorkKind>();
  const streams = { followed: 0, resumed: 0, complete: 0, gaps: 0, repeats: 0 };
  const problems: string[] = [];
  const startedAt = performance.now();
  const stopSubmitting = startedAt + options.durationMs;
  let warmUpRss = 0;
  let peakRss = rss();
  const endedKinds = new Set<WorkKind>();
  // Warm-up ends once every kind of work has run through once (its code loaded and compiled) and
  // warmUpMs has passed.
  const sampler = setInterval(() => {
    const now = rss();
    peakRss = Math.max(peakRss, now);
    if (!warmUpRss && endedKinds.size === 3 && performance.now() - startedAt >= options.warmUpMs) warmUpRss = now;
  }, 1_000);

  async function submit(kind: WorkKind, round: number): Promise<string> {
    if (kind === "story") {
      const created = await caller.story.create({ title: `Soak ${round}`, story: `Round ${round}. Ada rowed to the lighthouse at dusk with a lamp.\n\nThe storm came; Pip climbed the tower stairs and lit it.`, sceneCount: 2, stylePreset: "comic", size: "1024x1024", quality: "standard", reviewPrompts: false });
      return created.runId;
    }
    if (kind === "persona") {
      const created = await caller.persona.createFromDescription({ description: `Soak persona ${round}: a lighthouse keeper who knits and tells ghost stories`, options: { postCount: 2, lorebookEntryCount: 2, avatar: true } });
      return created.runId;
    }
    const created = await caller.slides.create({ title: `Deck ${round}`, stylePreset: "flat-corporate", aspectRatio: "16:9", quality: "standard", slides: [{ title: "Why", text: "Revenue grew.", imagePrompt: "" }, { title: "How", text: "The harbour.", imagePrompt: "A harbour at dawn" }, { title: "Next", text: "Bridges.", imagePrompt: "" }] });
    return created.runId;
  }

  /** Follows a run to its end as a browser does; `resume` drops the stream once and reconnects after its last id. */
  async function follow(runId: string, resume: boolean, signal: AbortSignal): Promise<void> {
    streams.followed += 1;
    const seen: number[] = [];
    let last = 0;
    let ended = false;
    for (let connection = 0; connection < 2 && !ended && !signal.aborted; connection += 1) {
      const dropAfter = resume && connection === 0 ? 3 : Number.POSITIVE_INFINITY;
      const controller = new AbortController();
      const stop = () => controller.abort();
      signal.addEventListener("abort", stop);
      try {
        for await (const event of followRun(engine, runId, last, controller.signal)) {
          seen.push(event.seq);
          last = event.seq;
          if (event.type === "run-end") ended = true;
          if (seen.length >= dropAfter) {
            streams.resumed += 1;
            controller.abort();
            break;
          }
        }
      } finally {
        signal.removeEventListener("abort", stop);
      }
      if (!ended && connection === 0 && !resume) break;
    }
    if (!ended) return;
    const stored = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    const repeats = seen.length - new Set(seen).size;
    const gaps = seen.some((seq, index) => seq !== index + 1) || seen.length !== stored.length;
    if (repeats) streams.repeats += 1;
    if (gaps) {
      streams.gaps += 1;
      problems.push(`run ${runId}: followed ${seen.length} events, stored ${stored.length}`);
    }
    if (!repeats && !gaps) streams.complete += 1;
  }

  const drainAbort = new AbortController();
  const kinds: WorkKind[] = ["story", "persona", "deck"];
  let round = 0;
  let lastReport = startedAt;
  async function submitter(index: number) {
    while (performance.now() < stopSubmitting) {
      const number = (round += 1);
      const kind = kinds[(number + index) % kinds.length]!;
      const runId = await submit(kind, number);
      runKinds.set(runId, kind);
      await follow(runId, number % 2 === 0, drainAbort.signal);
      endedKinds.add(kind);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`${Math.round((lastReport - startedAt) / 1000)} s: ${runKinds.size} runs submitted, RSS ${Math.round(process.memoryUsage().rss / MB)} MB`);
      }
    }
  }
  const submitters = Promise.all(Array.from({ length: options.submitters }, (_, index) => submitter(index)));
  const drained = await Promise.race([submitters.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), options.durationMs + options.drainMs))]);
  if (!drained) drainAbort.abort();
  await submitters.catch((error: unknown) => problems.push(`a submitter failed: ${String(error)}`));
  clearInterval(sampler);
  const wallMs = performance.now() - startedAt;
  const endRss = rss();
  warmUpRss ||= endRss;

  const engineAtEnd = engine.status();
  await engine.shutdown();
  const sqlite = new Database(file, { readonly: true });
  const runs = sqlite.prepare("SELECT id, status FROM run").all() as Array<{ id: string; status: string }>;
  const tasks = sqlite.prepare("SELECT runId, key, status, attempts, lastError, dependsOn FROM task ORDER BY position").all() as Array<{ runId: string; key: string; status: string; attempts: number; lastError: string | null; dependsOn: string }>;
  const waits = sqlite.prepare("SELECT runId, count(*) AS count FROM run_event WHERE type = 'task-wait' GROUP BY runId").all() as Array<{ runId: string; count: number }>;
  sqlite.close();
  const empty = (): KindFigures => ({ runs: 0, tasks: 0, succeeded: 0, failed: 0, skipped: 0, attempts: 0, rateLimitWaits: 0 });
  const byKind: Record<WorkKind, KindFigures> = { story: empty(), persona: empty(), deck: empty() };
  const total = empty();
  for (const run of runs) {
    const kind = runKinds.get(run.id);
    if (kind) byKind[kind].runs += 1;
    total.runs += 1;
  }
  for (const { runId, count } of waits) {
    byKind[runKinds.get(runId) ?? "story"].rateLimitWaits += count;
    total.rateLimitWaits += count;
  }
  let tasksUnended = 0;
  let failedWithoutReason = 0;
  const runsWithFailure = new Set(tasks.filter((task) => task.status === "failed").map((task) => task.runId));
  for (const task of tasks) {
    const figures = [byKind[runKinds.get(task.runId) ?? "story"], total];
    for (const entry of figures) {
      entry.tasks += 1;
      entry.attempts += task.attempts;
      if (task.status === "succeeded") entry.succeeded += 1;
      if (task.status === "failed") entry.failed += 1;
      if (task.status === "skipped") entry.skipped += 1;
    }
    if (!["succeeded", "failed", "skipped"].includes(task.status)) tasksUnended += 1;
    if (task.status === "failed" && !task.lastError?.trim()) failedWithoutReason += 1;
    // A skipped task's reason is the failed task it needed.
    if (task.status === "skipped" && !runsWithFailure.has(task.runId)) failedWithoutReason += 1;
  }
  const stuck = runs.filter((run) => !["succeeded", "failed"].includes(run.status));
  const runsStuck = stuck.length;
  for (const run of stuck.slice(0, 5)) {
    const own = tasks.filter((task) => task.runId === run.id);
    const statusOf = new Map(own.map((task) => [task.key, task.status]));
    const open = own.filter((task) => !["succeeded", "failed", "skipped"].includes(task.status));
    problems.push(
      `run ${run.id} (${runKinds.get(run.id)}) ${run.status}: ${open
        .map((task) => `${task.key} ${task.status} after ${task.attempts} attempt(s)${task.lastError ? ` (${task.lastError.slice(0, 80)})` : ""}, needs ${(JSON.parse(task.dependsOn) as string[]).map((key) => `${key}=${statusOf.get(key) ?? "missing"}`).join(" ")}`)
        .join("; ")}; the run's tasks: ${own.map((task) => `${task.key.split(":").slice(1).join(":")}=${task.status}`).join(" ")}`,
    );
  }
  if (runsStuck && process.env.SOAK_KEEP) problems.push(`database kept at ${file}`);
  if (runsStuck) problems.push(`engine at the end: ${JSON.stringify(engineAtEnd)}`);
  const summary = await provider.summary();
  await provider.close();
  await db.$disconnect();
  if (!(runsStuck && process.env.SOAK_KEEP)) fs.rmSync(directory, { recursive: true, force: true });

  const memory = { warmUpRssMb: warmUpRss / MB, endRssMb: endRss / MB, growthMb: (endRss - warmUpRss) / MB, peakRssMb: peakRss / MB };
  if (runsStuck) problems.push(`${runsStuck} run(s) did not end within ${options.drainMs} ms of the last submission`);
  if (tasksUnended) problems.push(`${tasksUnended} task(s) did not end`);
  if (failedWithoutReason) problems.push(`${failedWithoutReason} task(s) failed or were skipped without a reason`);
  const attemptsBesides429 = total.attempts - total.rateLimitWaits;
  if (attemptsBesides429 > 1.3 * total.tasks) problems.push(`${attemptsBesides429} attempts (429 refusals aside) for ${total.tasks} tasks: over 1.3 per task`);
  if (memory.growthMb >= 50) problems.push(`RSS grew ${memory.growthMb.toFixed(1)} MB after warm-up`);
  if (streams.complete !== streams.followed) problems.push(`${streams.followed - streams.complete} event stream(s) incomplete`);
  if (total.runs === 0) problems.push("no run was submitted");
  const { log: _log, ...reported } = options;
  const budgets = Object.fromEntries(Object.entries(engineAtEnd.budgets).map(([name, budget]) => [name, { window: budget.window, ratePerSecond: budget.ratePerSecond, limitSeen: budget.limitSeen }]));
  return { options: reported, wallMs, byKind, total, provider: summary, runsStuck, tasksUnended, failedWithoutReason, streams, memory, budgets, problems };
}

export function formatReport(report: SoakReport): string {
  const row = (name: string, figures: KindFigures) =>
    `| ${name} | ${figures.runs} | ${figures.tasks} | ${figures.succeeded} | ${figures.failed} | ${figures.skipped} | ${figures.attempts} | ${figures.rateLimitWaits} | ${figures.tasks ? ((figures.attempts - figures.rateLimitWaits) / figures.tasks).toFixed(3) : "-"} |`;
  const { provider, streams, memory, options } = report;
  return [
    `Fault soak: ${(options.durationMs / 1000).toFixed(0)} s of submissions (${(report.wallMs / 1000).toFixed(0)} s in all), time scale ${options.timeScale}, ${options.submitters} runs at once, seed ${options.seed}`,
    "",
    "| work | runs | tasks | succeeded | failed | skipped | calls | 429 waits | attempts/task (429 aside, limit 1.3) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    row("story projects", report.byKind.story),
    row("personas", report.byKind.persona),
    row("slide decks", report.byKind.deck),
    row("**all**", report.total),
    "",
    `Provider calls: ${provider.calls} (${provider.ok} answered 200, ${provider.serverErrors} 5xx, ${provider.rateLimited} 429, ${provider.unanswered} hung or abandoned, ${provider.malformed} broken JSON); peak ${provider.peakInFlight} in flight`,
    `Runs not ended: ${report.runsStuck}; tasks not ended: ${report.tasksUnended}; failed or skipped without a reason: ${report.failedWithoutReason}`,
    `Event streams: ${streams.followed} followed (${streams.resumed} dropped and resumed), ${streams.complete} complete, ${streams.gaps} with a gap, ${streams.repeats} with a repeat`,
    `Budgets at the end: ${Object.entries(report.budgets).map(([name, budget]) => `${name} window ${budget.window}${budget.ratePerSecond === null ? "" : `, paced to ${budget.ratePerSecond.toFixed(2)}/s`}`).join("; ")}`,
    `Memory (RSS): ${memory.warmUpRssMb.toFixed(0)} MB after warm-up, ${memory.endRssMb.toFixed(0)} MB at the end (growth ${memory.growthMb.toFixed(1)} MB, limit 50), peak ${memory.peakRssMb.toFixed(0)} MB`,
    report.problems.length ? `FAILED: ${report.problems.join("; ")}` : "PASSED: every check",
  ].join("\n");
}

// The persona table (issue 11): one persona's makespan against its critical path, and a batch of
// 50 personas against the bound of MAX_CONCURRENT calls at once, in the app's order (stages 4–7
// start as soon as stage 1 ends) and in the original order (4–7 only after stage 3), in the same
// run. Every row runs the real persona task types (database reads, versioned writes, the avatar
// stored as an Image) through a new engine, with the openai provider code against the fake
// provider process, which answers every stage with the persona's offline responders.
import crypto from "node:crypto";
import { personaOptionsInput } from "@/server/features/persona/persona-input";
import { PERSONA_BATCH_RUN_KIND, PERSONA_RUN_KIND } from "@/server/features/persona/persona-pipeline";
import { optionColumns, workingTitle } from "@/server/features/persona/personas";
import { allStages, parseTaskKey, planTasks, type PlannedPersona, type Stage } from "@/server/features/persona/stages";
import type { EngineSettings } from "@/server/generation/engine-settings";
import type { TaskDetails, TaskSpec } from "@/server/generation/types";
import { BENCH_ACTOR, createDomainEngine, engineTimingsAt, median, submitAsBench, timeRun, type BenchContext } from "./domain-engine";

export const BATCH_SIZE = 50;

type Order = "app" | "original";
const ORDER_LABEL: Record<Order, string> = {
  app: "app: 4–7 right after 1",
  original: "original: 1 → 2 → 3 → 4…7",
};

interface Variant {
  order: Order;
  engine: string;
  settings: Partial<EngineSettings>;
}

const VARIANTS: Variant[] = [
  { order: "app", engine: "adaptive (default)", settings: { adaptive: true } },
  // Without the adaptive budget's pacing and cold start: what the DAG alone gives.
  { order: "app", engine: "fixed cap", settings: { adaptive: false } },
  { order: "original", engine: "adaptive (default)", settings: { adaptive: true } },
];

/** Stages 4–7 read only stage 1; the original service ran them after stage 3 all the same. */
const AFTER_POSTS_IN_THE_ORIGINAL: ReadonlySet<Stage> = new Set(["network", "authenticity", "visual", "book"]);

/** The same calls in the original order: stages 4–7 also wait for every post of their persona. */
export function originalOrder(tasks: readonly TaskSpec[]): TaskSpec[] {
  const postsOf = new Map<string, string[]>();
  for (const task of tasks) {
    const parsed = parseTaskKey(task.key)!;
    if (parsed.stage === "posts") postsOf.set(parsed.personaId, [...(postsOf.get(parsed.personaId) ?? []), task.key]);
  }
  return tasks.map((task) => {
    const parsed = parseTaskKey(task.key)!;
    if (!AFTER_POSTS_IN_THE_ORIGINAL.has(parsed.stage)) return task;
    return { ...task, dependsOn: [...(task.dependsOn ?? []), ...(postsOf.get(parsed.personaId) ?? [])] };
  });
}

/** The longest chain through the tasks' dependencies, each task weighing `durationOf(task)`. */
export function criticalPathMs<Task extends { key: string; dependsOn?: readonly string[] }>(
  tasks: readonly Task[],
  durationOf: (task: Task) => number,
): number {
  const byKey = new Map(tasks.map((task) => [task.key, task]));
  const finish = new Map<string, number>();
  const finishOf = (task: Task): number => {
    const known = finish.get(task.key);
    if (known !== undefined) return known;
    const start = Math.max(0, ...(task.dependsOn ?? []).map((key) => finishOf(byKey.get(key)!)));
    const end = start + durationOf(task);
    finish.set(task.key, end);
    return end;
  };
  return Math.max(0, ...tasks.map(finishOf));
}

// Varied descriptions, so the offline responders write fifty different personas.
const NAMES = ["Maya Chen", "Kenji Sato", "Orla Byrne", "Ada Okafor", "Lukas Berg", "Sofia Rossi", "Tariq Haddad", "Ines Duarte", "Mateo Cruz", "Freya Lund"];
const JOBS = ["marine biologist", "barista", "jazz drummer", "nurse", "carpenter", "software tester", "baker", "librarian", "cyclist", "architect"];
const PLACES = ["Lisbon", "Osaka", "Galway", "Lagos", "Bergen", "Turin", "Beirut", "Porto", "Valencia", "Aarhus"];
const LOVES = ["free diving", "birdwatching", "film photography", "chess", "trail running", "pottery", "astronomy", "gardening", "vinyl records", "climbing"];

export function description(index: number): string {
  const pick = <T>(list: readonly T[], stride: number) => list[(index * stride + Math.floor(index / list.length)) % list.length]!;
  return `${pick(NAMES, 1)} is a ${25 + (index % 30)}-year-old ${pick(JOBS, 3)} in ${pick(PLACES, 7)} who loves ${pick(LOVES, 9)}. Curious, warm and a little stubborn.`;
}

/** Stores `count` personas with the default options (10 posts, 6 lorebook entries, an avatar), as createFromDescription does. */
async function createPersonas(context: BenchContext, count: number): Promise<PlannedPersona[]> {
  const options = personaOptionsInput.parse({});
  const rows = Array.from({ length: count }, (_, index) => ({
    id: crypto.randomUUID(),
    teamId: BENCH_ACTOR.teamId,
    ownerId: BENCH_ACTOR.userId,
    name: workingTitle(description(index)),
    source: "description",
    description: description(index),
    stageRuns: {},
    ...optionColumns(options),
  }));
  await context.database.db.persona.createMany({ data: rows });
  return rows.map((row) => ({ id: row.id, postCount: row.postCount, avatarEnabled: row.avatarEnabled }));
}

interface Measured {
  makespanMs: number;
  /**
   * The floor the run's own tasks set at their measured durations (the provider call, the task's
   * database and JSON work, any wait for the budget): their longest chain, or their sum over the
   * run's workers if longer. What is left above it is the engine's scheduling.
   */
  measuredFloorMs: number;
  calls: number;
  rateLimited: number;
  failed: number;
}

/** One run of the personas' stages in the given order, on a new engine. */
async function runPersonas(context: BenchContext, personas: PlannedPersona[], variant: Variant, settings: Partial<EngineSettings>): Promise<Measured> {
  const planned = personas.flatMap((persona) => planTasks(persona, { stages: allStages(persona) }));
  const tasks = variant.order === "original" ? originalOrder(planned) : planned;
  const domain = createDomainEngine(context, { ...settings, ...variant.settings });
  try {
    await context.fake.reset();
    // The submission the app makes (persona-runs.ts): every stage may run, within the budgets.
    const single = personas.length === 1;
    const { makespanMs, run } = await timeRun(
      domain.engine,
      submitAsBench(domain.engine, {
        kind: single ? PERSONA_RUN_KIND : PERSONA_BATCH_RUN_KIND,
        subjectId: single ? personas[0]!.id : null,
        maxWorkers: domain.engine.settings.maxWorkers,
        tasks,
      }),
    );
    const server = await context.fake.summary();
    const durationOf = (task: TaskDetails) => task.durationMs ?? 0;
    const workers = Math.min(run.settings.maxWorkers, tasks.length);
    const busyMs = run.tasks.reduce((total, task) => total + durationOf(task), 0);
    return {
      makespanMs,
      measuredFloorMs: Math.max(criticalPathMs(run.tasks, durationOf), busyMs / workers),
      calls: server.attempts,
      rateLimited: server.rateLimited,
      failed: run.counts.total - run.counts.succeeded,
    };
  } finally {
    await domain.close();
  }
}

interface Row {
  personas: number;
  latencyMs: number;
  variant: Variant;
  runs: Measured[];
  ownPathMs: number;
  boundMs: number;
}

export interface PersonaTableOptions {
  /**
   * The latencies one persona runs at, each this many times per variant (interleaved, so a busy
   * spell of the machine hits every variant alike); the batch runs once at the bench's L. The
   * bench's L (300 ms) shrinks the provider's wait but not a stage's own work (database reads,
   * versioned writes, JSON), 5–13% of it; at 10 × L that work is about 1%, as it is (far less)
   * against a real call.
   */
  single: Array<{ latencyMs: number; repetitions: number }>;
}

/** Runs the table's rows and returns it as Markdown. */
export async function personaTable(context: BenchContext, options: PersonaTableOptions): Promise<string[]> {
  const { fake, cap } = context;
  const rows: Row[] = [];
  const rowFor = (personas: PlannedPersona[], variant: Variant, latencyMs: number) => {
    const planned = personas.flatMap((persona) => planTasks(persona, { stages: allStages(persona) }));
    const own = variant.order === "original" ? originalOrder(planned) : planned;
    // Every call one L, text and image alike: the critical path and bound use one L.
    const latencyOf = () => latencyMs;
    const pathMs = criticalPathMs(planned, latencyOf);
    // MAX_CONCURRENT workers doing calls of L: total ÷ cap × L at best.
    const workMs = (planned.length * latencyMs) / cap;
    const row: Row = {
      personas: personas.length,
      latencyMs,
      variant,
      runs: [],
      ownPathMs: criticalPathMs(own, latencyOf),
      boundMs: Math.max(pathMs, workMs),
    };
    rows.push(row);
    return row;
  };
  const atLatency = async (latencyMs: number) => {
    const timeScale = latencyMs / 30_000;
    await fake.configure({ latencyMs: 30_000, timeScale, rateLimit: null, models: {}, rateLimitHeaders: false });
    return engineTimingsAt(timeScale);
  };

  await fake.answers(true);
  // A warm-up persona: connections, the JIT, the responders' first use.
  await runPersonas(context, await createPersonas(context, 1), VARIANTS[0]!, await atLatency(context.latencyMs));
  for (const { latencyMs, repetitions } of options.single) {
    const timings = await atLatency(latencyMs);
    const single = new Map<Variant, Row>();
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const variant of VARIANTS) {
        const personas = await createPersonas(context, 1);
        const row = single.get(variant) ?? rowFor(personas, variant, latencyMs);
        single.set(variant, row);
        row.runs.push(await runPersonas(context, personas, variant, timings));
        log(row);
      }
    }
  }
  const timings = await atLatency(context.latencyMs);
  for (const variant of VARIANTS) {
    const personas = await createPersonas(context, BATCH_SIZE);
    const row = rowFor(personas, variant, context.latencyMs);
    row.runs.push(await runPersonas(context, personas, variant, timings));
    log(row);
  }
  await fake.answers(false);
  return print(rows, context);
}

function log(row: Row): void {
  const last = row.runs.at(-1)!;
  console.error(
    `personas | ${row.personas} | L = ${row.latencyMs} ms | ${ORDER_LABEL[row.variant.order]} | ${row.variant.engine}: ${last.makespanMs.toFixed(0)} ms ` +
      `(bound ${row.boundMs.toFixed(0)}, floor at measured task times ${last.measuredFloorMs.toFixed(0)}), ${last.calls} calls, ` +
      `${last.rateLimited} × 429, ${last.failed} failed`,
  );
}

function print(rows: Row[], context: BenchContext): string[] {
  const lines = [
    `\n### Personas: every call L ("30 s"), MAX_CONCURRENT = ${context.cap} (every budget's cap and the run's workers)\n`,
    "| personas | L | stage order | engine | runs | makespan (median) | range | bound | ratio | critical path of this order | floor at measured task times | ratio to it | calls per run | 429s | failed |",
    "|---:|---:|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const makespans = row.runs.map((run) => run.makespanMs);
    const makespan = median(makespans);
    const range = row.runs.length > 1 ? `${Math.min(...makespans).toFixed(0)}–${Math.max(...makespans).toFixed(0)} ms` : "";
    const floor = median(row.runs.map((run) => run.measuredFloorMs));
    const calls = [...new Set(row.runs.map((run) => run.calls))].join(", ");
    const engine = row.variant.engine === "fixed cap" ? `fixed cap ${context.cap}` : row.variant.engine;
    lines.push(
      `| ${row.personas} | ${row.latencyMs} ms | ${ORDER_LABEL[row.variant.order]} | ${engine} | ${row.runs.length} | ${makespan.toFixed(0)} ms | ${range} | ` +
        `${row.boundMs.toFixed(0)} ms | ${(makespan / row.boundMs).toFixed(3)} | ${row.ownPathMs.toFixed(0)} ms | ${floor.toFixed(0)} ms | ` +
        `${(makespan / floor).toFixed(3)} | ${calls} | ${sum(row.runs, "rateLimited")} | ${sum(row.runs, "failed")} |`,
    );
  }
  return [...lines, ...targets(rows)];
}

const makespanOf = (row: Row) => median(row.runs.map((run) => run.makespanMs));

/** The target (one persona within 5% of its critical path) and its claim about the order. */
function targets(rows: Row[]): string[] {
  const lines = ["\n| target | L | result | met? |", "|---|---:|---|---|"];
  const find = (personas: number, latencyMs: number, order: Order, engine: string) =>
    rows.find((row) => row.personas === personas && row.latencyMs === latencyMs && row.variant.order === order && row.variant.engine === engine);
  for (const latencyMs of [...new Set(rows.map((row) => row.latencyMs))]) {
    for (const personas of [1, BATCH_SIZE]) {
      const app = find(personas, latencyMs, "app", VARIANTS[0]!.engine);
      const fixed = find(personas, latencyMs, "app", VARIANTS[1]!.engine);
      const original = find(personas, latencyMs, "original", VARIANTS[2]!.engine);
      if (!app || !fixed || !original) continue;
      const ratio = makespanOf(app) / app.boundMs;
      const what = personas === 1 ? "one persona ≤ 1.05 × its critical path" : `a batch of ${personas} against the bound (no target in the issue)`;
      lines.push(
        `| ${what} | ${latencyMs} ms | ${ratio.toFixed(3)} (with a fixed cap: ${(makespanOf(fixed) / fixed.boundMs).toFixed(3)}) | ` +
          `${personas === 1 ? (ratio <= 1.05 ? "yes" : "no") : "—"} |`,
      );
      // The claim is about one persona's critical path; a batch is bound by its calls.
      const gain = makespanOf(original) / makespanOf(app);
      const claim = personas === 1 ? "one persona: the app's order faster than the original" : `a batch of ${personas}: the original order against the app's`;
      const met = personas === 1 ? (gain > 1 ? "yes" : "no") : "—";
      lines.push(`| ${claim} | ${latencyMs} ms | the original takes ${gain.toFixed(3)} × as long | ${met} |`);
    }
  }
  return lines;
}

const sum = (runs: Measured[], field: "rateLimited" | "failed") => runs.reduce((total, run) => total + run[field], 0);

// Where each stage of a persona stands: the status of the task that last did it (in whichever run
// did it), why it failed or was skipped, or — for a stage no run has touched — whether it has a
// result at all. Stage 3's posts add up to one status for the stage.
import type { Persona } from "@/generated/prisma/client";
import type { Engine } from "@/server/generation/engine";
import type { RunDetails, TaskDetails } from "@/server/generation/types";
import { stageRunsOf } from "./persona-runs";
import { parseTaskKey, STAGE_LABEL, STAGE_NUMBER, taskKey, type StageUnit } from "./stages";

export const STAGE_STATUSES = ["not-started", "queued", "running", "succeeded", "failed", "skipped", "cancelled", "off"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export interface UnitStatus {
  status: StageStatus;
  /** Why it failed, was skipped or cancelled; null otherwise. */
  reason: string | null;
  /** The run that last did it. */
  runId: string | null;
}

/** The runs a persona's stages were last done by, loaded once for a view. */
export async function loadStageRuns(engine: Engine, personas: Array<Pick<Persona, "stageRuns">>): Promise<Map<string, RunDetails>> {
  const runIds = new Set(personas.flatMap((persona) => Object.values(stageRunsOf(persona))));
  const runs = await Promise.all([...runIds].map((runId) => engine.getRun(runId)));
  return new Map(runs.flatMap((run) => (run ? [[run.id, run] as const] : [])));
}

function describeUnit(key: string): string {
  const parsed = parseTaskKey(key);
  if (!parsed) return key;
  const label = `${STAGE_LABEL[parsed.stage]} (stage ${STAGE_NUMBER[parsed.stage]})`;
  return parsed.position === null ? label : `post ${parsed.position + 1} of ${label}`;
}

/** The stage whose failure left this task skipped, followed back through skipped dependencies. */
function skippedReason(task: TaskDetails, run: RunDetails): string {
  const byKey = new Map(run.tasks.map((candidate) => [candidate.key, candidate]));
  let current = task;
  for (let depth = 0; depth < 10; depth += 1) {
    const blocker = current.dependsOn.map((key) => byKey.get(key)).find((dependency) => dependency && dependency.status !== "succeeded");
    if (!blocker) break;
    if (blocker.status !== "skipped") return `Skipped: ${describeUnit(blocker.key)} ${blocker.status === "cancelled" ? "was cancelled" : "failed"}`;
    current = blocker;
  }
  return "Skipped: a stage it needs did not succeed";
}

export function unitStatus(persona: Pick<Persona, "id" | "stageRuns">, runs: Map<string, RunDetails>, unit: StageUnit, hasResult: boolean): UnitStatus {
  const runId = stageRunsOf(persona)[unit] ?? null;
  const run = runId ? runs.get(runId) : undefined;
  const task = run?.tasks.find((candidate) => candidate.key === taskKey(persona.id, unit));
  if (!run || !task) return { status: hasResult ? "succeeded" : "not-started", reason: null, runId };
  switch (task.status) {
    case "queued":
      return { status: "queued", reason: null, runId };
    case "running":
    case "retrying":
      return { status: "running", reason: null, runId };
    case "failed":
      return { status: "failed", reason: task.lastError ?? "The stage failed", runId };
    case "skipped":
      return { status: "skipped", reason: skippedReason(task, run), runId };
    case "cancelled":
      return { status: "cancelled", reason: "The run was cancelled", runId };
    case "succeeded":
      return { status: "succeeded", reason: null, runId };
  }
}

const ORDER: StageStatus[] = ["running", "queued", "failed", "cancelled", "skipped", "not-started", "succeeded", "off"];

/** Stage 3's status from its posts': running while any runs, failed when any failed, and so on. */
export function postsStatus(posts: UnitStatus[]): UnitStatus {
  if (!posts.length) return { status: "not-started", reason: null, runId: null };
  const worst = ORDER.find((status) => posts.some((post) => post.status === status))!;
  const matching = posts.filter((post) => post.status === worst);
  const reason =
    worst === "failed" || worst === "skipped" || worst === "cancelled"
      ? `${matching.length} of ${posts.length} posts ${worst === "failed" ? "failed" : worst === "skipped" ? "were skipped" : "were cancelled"}: ${matching[0]!.reason}`
      : null;
  return { status: worst, reason, runId: matching[0]!.runId };
}

/** The post positions a persona has: those its count asks for and any it already has. */
export function postPositions(persona: Pick<Persona, "postCount">, existing: number[]): number[] {
  return [...new Set([...Array.from({ length: persona.postCount }, (_, position) => position), ...existing])].sort((left, right) => left - right);
}

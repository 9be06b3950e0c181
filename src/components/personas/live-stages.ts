// A persona's stage grid as the page shows it: the server's cells (persona.get or batches.get), with
// what the run's live events said since laid over them. The server knows which run last did each
// stage; the events know sooner that a stage started, is waiting on the provider's rate limit, or
// ended. Pure functions, so the rules are testable without React.
import type { LiveTask } from "@/components/runs/live-tasks";
import type { RouterOutputs } from "@/trpc/router-types";

export type GridCell = RouterOutputs["persona"]["get"]["grid"][number];
export type Stage = GridCell["stage"];

/** The server's stage statuses, plus "waiting": held back by the provider's rate limit. */
export type CellStatus = GridCell["status"] | "waiting";

export interface LiveCell extends Omit<GridCell, "status"> {
  status: CellStatus;
  /** While waiting: when the next try is due (epoch ms in this browser's clock). */
  waitUntil: number | null;
  /** Stage 3 while the run does its posts: how many of them are done. */
  posts: { done: number; total: number } | null;
}

const ACTIVE = new Set<LiveTask["status"]>(["queued", "running", "retrying", "waiting"]);

/** The run's tasks that do `stage` of this persona (task keys are `<personaId>:<unit>`). */
export function tasksOfStage(personaId: string, stage: Stage, tasks: ReadonlyMap<string, LiveTask>): LiveTask[] {
  if (stage !== "posts") {
    const task = tasks.get(`${personaId}:${stage}`);
    return task ? [task] : [];
  }
  const prefix = `${personaId}:post:`;
  return [...tasks.values()].filter((task) => task.key.startsWith(prefix));
}

function liveCell(cell: GridCell, stageTasks: LiveTask[]): LiveCell {
  const base: LiveCell = { ...cell, waitUntil: null, posts: null };
  if (!stageTasks.length) return base;
  const posts =
    cell.stage === "posts" ? { done: stageTasks.filter((task) => task.status === "succeeded").length, total: stageTasks.length } : null;
  const active = stageTasks.filter((task) => ACTIVE.has(task.status));
  if (active.length) {
    if (active.some((task) => task.status === "running" || task.status === "retrying")) return { ...base, status: "running", reason: null, posts };
    const waiting = active.filter((task) => task.status === "waiting" && task.waitUntil !== null);
    if (waiting.length) {
      const waitUntil = Math.min(...waiting.map((task) => task.waitUntil!));
      return { ...base, status: "waiting", reason: waiting[0]!.reason, waitUntil, posts };
    }
    return { ...base, status: "queued", reason: null, posts };
  }
  // Every task of the stage ended. The server's cell says why once it is read again; until then
  // (it still says queued or running) the events tell how it ended.
  if (cell.status !== "queued" && cell.status !== "running") return { ...base, posts };
  const ended = (status: LiveTask["status"]) => stageTasks.filter((task) => task.status === status);
  for (const status of ["failed", "cancelled", "skipped"] as const) {
    const matching = ended(status);
    if (matching.length) return { ...base, status, reason: matching[0]!.reason, posts };
  }
  return { ...base, status: "succeeded", reason: null, posts };
}

/** The grid with the live run's news: `tasks` are the followed run's (empty before it loads). */
export function liveGrid(personaId: string, grid: readonly GridCell[], tasks: ReadonlyMap<string, LiveTask>): LiveCell[] {
  return grid.map((cell) => liveCell(cell, tasksOfStage(personaId, cell.stage, tasks)));
}

/** The stages that read `stage`, directly or through another, in stage order. */
export function dependentStages(stage: Stage, needs: ReadonlyArray<{ stage: Stage; needs: readonly Stage[] }>): Stage[] {
  const found = new Set<Stage>();
  const visit = (current: Stage) => {
    for (const candidate of needs) {
      if (candidate.needs.includes(current) && !found.has(candidate.stage)) {
        found.add(candidate.stage);
        visit(candidate.stage);
      }
    }
  };
  visit(stage);
  return needs.map((candidate) => candidate.stage).filter((candidate) => found.has(candidate));
}

/** Whether a run in this status is still going. */
export const isActiveRun = (status: string | null | undefined) => status === "queued" || status === "running";

// The persona's stages as a graph, and the engine tasks that do them. Stages 4–7 need only stage 1,
// so they start as soon as it ends, beside 2 → 3: the critical path is S1 + max(S2 + S3, S4…S7).
// A run may do any subset of the stages (a retry, a regeneration): a task depends only on the
// tasks of the same run; a stage outside the run is read from its current stored result.
import type { TaskSpec } from "@/server/generation/types";

export const STAGES = ["core", "strategy", "posts", "network", "authenticity", "visual", "book", "avatar"] as const;
export type Stage = (typeof STAGES)[number];

/** The stage numbers the issue and the UI use (1 core … 7 book, 8 avatar). */
export const STAGE_NUMBER: Readonly<Record<Stage, number>> = {
  core: 1,
  strategy: 2,
  posts: 3,
  network: 4,
  authenticity: 5,
  visual: 6,
  book: 7,
  avatar: 8,
};

export const STAGE_LABEL: Readonly<Record<Stage, string>> = {
  core: "Core persona",
  strategy: "Posting strategy",
  posts: "Example posts",
  network: "Social network",
  authenticity: "Authenticity",
  visual: "Visual profile",
  book: "Character book",
  avatar: "Avatar",
};

/** What each stage reads. */
export const STAGE_NEEDS: Readonly<Record<Stage, readonly Stage[]>> = {
  core: [],
  strategy: ["core"],
  posts: ["core", "strategy"],
  network: ["core"],
  authenticity: ["core"],
  visual: ["core"],
  book: ["core"],
  avatar: ["visual"],
};

/** The stages that read `stage`, directly or through another stage, in stage order. */
export function dependentsOf(stage: Stage): Stage[] {
  const found = new Set<Stage>();
  const visit = (current: Stage) => {
    for (const candidate of STAGES) {
      if (STAGE_NEEDS[candidate].includes(current) && !found.has(candidate)) {
        found.add(candidate);
        visit(candidate);
      }
    }
  };
  visit(stage);
  return STAGES.filter((candidate) => found.has(candidate));
}

/** A unit of work of one persona: a stage, or one post of stage 3 ("post:3"). */
export type StageUnit = Exclude<Stage, "posts"> | `post:${number}`;

export const postUnit = (position: number): StageUnit => `post:${position}`;

export function stageOfUnit(unit: string): Stage | undefined {
  if (/^post:\d+$/.test(unit)) return "posts";
  return (STAGES as readonly string[]).includes(unit) && unit !== "posts" ? (unit as Stage) : undefined;
}

/** Task keys are `<personaId>:<unit>`, unique in a batch run too. */
export const taskKey = (personaId: string, unit: StageUnit): string => `${personaId}:${unit}`;

export function parseTaskKey(key: string): { personaId: string; unit: StageUnit; stage: Stage; position: number | null } | undefined {
  const separator = key.indexOf(":");
  if (separator <= 0) return undefined;
  const unit = key.slice(separator + 1);
  const stage = stageOfUnit(unit);
  if (!stage) return undefined;
  const position = stage === "posts" ? Number(unit.slice("post:".length)) : null;
  return { personaId: key.slice(0, separator), unit: unit as StageUnit, stage, position };
}

export interface PlannedPersona {
  id: string;
  postCount: number;
  avatarEnabled: boolean;
}

export interface StagePlan {
  stages: ReadonlySet<Stage>;
  /** Only these posts, when stage 3 is planned (a retry of some failed posts); all by default. */
  postPositions?: readonly number[];
}

/** Every stage a new persona runs; the avatar only when it is on. */
export function allStages(persona: Pick<PlannedPersona, "avatarEnabled">): Set<Stage> {
  return new Set(STAGES.filter((stage) => stage !== "avatar" || persona.avatarEnabled));
}

/** The engine tasks for the planned stages of one persona, with dependencies inside the run. */
export function planTasks(persona: PlannedPersona, plan: StagePlan): TaskSpec[] {
  const { stages } = plan;
  const unitsOf = (stage: Stage): StageUnit[] => {
    if (!stages.has(stage)) return [];
    if (stage !== "posts") return [stage];
    const positions = plan.postPositions ?? Array.from({ length: persona.postCount }, (_, position) => position);
    return positions.map(postUnit);
  };
  const input = { personaId: persona.id };
  return STAGES.flatMap((stage) =>
    unitsOf(stage).map((unit): TaskSpec => {
      const dependsOn = STAGE_NEEDS[stage].flatMap(unitsOf).map((needed) => taskKey(persona.id, needed));
      const position = stage === "posts" ? Number(unit.slice("post:".length)) : undefined;
      return {
        key: taskKey(persona.id, unit),
        type: `persona.${stage === "posts" ? "post" : stage}`,
        dependsOn,
        input: position === undefined ? input : { ...input, position },
      };
    }),
  );
}

// The persona stages as engine task types. Every text stage reads the persona and the current
// results of the stages it needs from the database (not from the run: a retried stage runs alone,
// its inputs done by an earlier run), asks the model for the stage's schema, and stores the answer
// as the stage's next version. Executed again after a crash, a task finds the version it wrote.
import sharp from "sharp";
import { z } from "zod";
import type { Persona } from "@/generated/prisma/client";
import { defineTaskType, type TaskContext, type TaskType } from "@/server/generation/types";
import type { ChatMessage } from "@/server/providers/types";
import type { DomainServices } from "../domain";
import { renderAvatar } from "./avatar";
import { STAGE_SCHEMAS, postSchema, type ObjectStage, type StageData } from "./schemas";
import {
  buildCoreFromDescriptionMessages,
  buildCoreFromPictureMessages,
  buildStageMessages,
  PERSONA_REQUESTS,
  type ContentRating,
  type LaterStage,
  type StageOptions,
} from "./stage-messages";
import { currentStages, savePostVersion, saveStageVersion, type CurrentStages } from "./stage-store";

export const PERSONA_RUN_KIND = "persona";
export const PERSONA_BATCH_RUN_KIND = "persona-batch";

const personaInput = z.object({ personaId: z.string().min(1) });
const postInput = personaInput.extend({ position: z.number().int().min(0).max(29) });

/** The persona's task types, registered with the engine by the composition root. */
export function personaTaskTypes(services: DomainServices): TaskType[] {
  const textStage = (stage: Exclude<ObjectStage, "core">) =>
    defineTaskType({
      name: `persona.${stage}`,
      budget: "text",
      input: personaInput,
      execute: (input, context) => writeLaterStage(services, stage, input.personaId, context),
    });
  return [
    // From a picture, stage 1 is a vision call and draws from the vision budget instead.
    defineTaskType({ name: "persona.core", budget: "text", input: personaInput, execute: (input, context) => writeCore(services, input.personaId, context) }),
    textStage("strategy"),
    defineTaskType({ name: "persona.post", budget: "text", input: postInput, execute: (input, context) => writePost(services, input.personaId, input.position, context) }),
    textStage("network"),
    textStage("authenticity"),
    textStage("visual"),
    textStage("book"),
    defineTaskType({ name: "persona.avatar", budget: "image", input: personaInput, execute: (input, context) => renderAvatar(services, input.personaId, context) }),
  ];
}

export const stageOptions = (persona: Persona): StageOptions => ({
  contentRating: persona.contentRating as ContentRating,
  ...(persona.language ? { language: persona.language } : {}),
});

/** The current result of each stage the task needs; a missing one fails the task with a reason. */
function required<Stage extends ObjectStage>(stages: CurrentStages, stage: Stage): StageData[Stage] {
  const current = stages[stage];
  if (!current) throw new Error(`The ${stage} stage has no result yet: run it first`);
  return current.data as StageData[Stage];
}

async function generate<Stage extends ObjectStage | "post">(
  { providers }: DomainServices,
  context: TaskContext,
  request: { name: string; stage: Stage; messages: ChatMessage[]; budget: "text" | "vision" },
): Promise<Stage extends ObjectStage ? StageData[Stage] : z.infer<typeof postSchema>> {
  const schema = request.stage === "post" ? postSchema : STAGE_SCHEMAS[request.stage as ObjectStage];
  const model = request.budget === "vision" ? providers.vision : providers.text;
  const { object } = await context.callProvider(request.budget, (signal) =>
    model.generateObject({ name: request.name, schema, messages: request.messages, temperature: 0.8, signal }),
  );
  return object as Stage extends ObjectStage ? StageData[Stage] : z.infer<typeof postSchema>;
}

async function writeCore(services: DomainServices, personaId: string, context: TaskContext) {
  const { db, images } = services;
  const existing = await db.personaStage.findUnique({ where: { taskId: context.task.id } });
  if (existing) return { version: existing.version };
  const persona = await db.persona.findUniqueOrThrow({ where: { id: personaId }, include: { sourceUpload: true } });
  const options = stageOptions(persona);
  let messages: ChatMessage[];
  let budget: "text" | "vision" = "text";
  if (persona.source === "picture") {
    if (!persona.sourceUpload) throw new Error("The persona's picture is gone: upload it again");
    // The stored upload is already checked and re-encoded; a smaller JPEG is what the model needs.
    const picture = await sharp(await images.read(persona.sourceUpload.file))
      .resize({ width: 1024, height: 1024, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 85 })
      .toBuffer();
    messages = buildCoreFromPictureMessages(`data:image/jpeg;base64,${picture.toString("base64")}`, options);
    budget = "vision";
  } else {
    if (!persona.description) throw new Error("This persona has no description to start from");
    messages = buildCoreFromDescriptionMessages(persona.description, options);
  }
  const name = budget === "vision" ? PERSONA_REQUESTS.coreFromPicture : PERSONA_REQUESTS.coreFromDescription;
  const core = await generate(services, context, { name, stage: "core", messages, budget });
  const saved = await saveStageVersion(db, "core", { personaId, data: core, origin: "generated", taskId: context.task.id });
  return { version: saved.version, name: core.name };
}

async function writeLaterStage(services: DomainServices, stage: Exclude<ObjectStage, "core">, personaId: string, context: TaskContext) {
  const { db } = services;
  const existing = await db.personaStage.findUnique({ where: { taskId: context.task.id } });
  if (existing) return { version: existing.version };
  const persona = await db.persona.findUniqueOrThrow({ where: { id: personaId } });
  const stages = await currentStages(db, personaId);
  const core = required(stages, "core");
  const messages =
    stage === "strategy"
      ? buildStageMessages("strategy", { persona: core, postCount: persona.postCount }, stageOptions(persona))
      : stage === "book"
        ? buildStageMessages("book", { persona: core, entryCount: persona.lorebookEntryCount }, stageOptions(persona))
        : buildStageMessages(stage satisfies LaterStage, { persona: core }, stageOptions(persona));
  const generated = await generate(services, context, { name: PERSONA_REQUESTS[stage], stage, messages, budget: "text" });
  // A model may write more lorebook entries than asked; the persona's count wins.
  const data = stage === "book" ? { entries: (generated as StageData["book"]).entries.slice(0, persona.lorebookEntryCount) } : generated;
  const saved = await saveStageVersion(db, stage, { personaId, data: data as StageData[typeof stage], origin: "generated", taskId: context.task.id });
  return { version: saved.version };
}

async function writePost(services: DomainServices, personaId: string, position: number, context: TaskContext) {
  const { db } = services;
  const existing = await db.personaPost.findUnique({ where: { taskId: context.task.id } });
  if (existing) return { position, version: existing.version };
  const persona = await db.persona.findUniqueOrThrow({ where: { id: personaId } });
  const stages = await currentStages(db, personaId);
  const core = required(stages, "core");
  const strategy = required(stages, "strategy");
  // Posts take the strategy's platforms and topics in turn, so ten posts are ten different posts.
  const post = {
    position,
    count: persona.postCount,
    platform: strategy.platforms[position % strategy.platforms.length]!.name,
    topic: strategy.topics[position % strategy.topics.length]!.name,
  };
  const messages = buildStageMessages("post", { persona: core, strategy, post }, stageOptions(persona));
  const generated = await generate(services, context, { name: PERSONA_REQUESTS.post, stage: "post", messages, budget: "text" });
  const saved = await savePostVersion(db, position, { personaId, data: generated, origin: "generated", taskId: context.task.id });
  return { position, version: saved.version };
}

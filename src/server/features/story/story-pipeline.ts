// The story pipeline as engine tasks: `analyse` (story → scenes and characters) adds one
// `prompt:<scene>` task per scene and, unless the user reviews prompts first, one
// `image:<scene>` task after each prompt. Every task is safe to execute again after a crash.
import crypto from "node:crypto";
import type { Database } from "@/server/db";
import { z } from "zod";
import { renderAndStoreImage } from "@/server/features/images/render-image";
import { defineTaskType, type TaskContext, type TaskSpec, type TaskType } from "@/server/generation/types";
import type { ImageSize, Providers } from "@/server/providers/types";
import type { ImageStore } from "@/server/storage/image-store";
import { storyAnalysisSchema, scenePromptSchema, stringList, type Character } from "./schemas";
import { buildAnalysisMessages, buildScenePromptMessages, SCENE_PROMPT, STORY_ANALYSIS } from "./stage-messages";

export const STORY_RUN_KIND = "story";
/** Image.ownerKind of a scene's images. */
export const SCENE_IMAGE_OWNER = "scene";

export interface StoryDependencies {
  db: Database;
  providers: Providers;
  images: ImageStore;
}

const projectInput = z.object({ projectId: z.string().min(1) });
const sceneInput = projectInput.extend({ sceneId: z.string().min(1) });

/** The story's task types, registered with the engine by the composition root. */
export function storyTaskTypes(dependencies: StoryDependencies): TaskType[] {
  return [
    defineTaskType({
      name: "story.analyse",
      budget: "text",
      input: projectInput,
      execute: (input, context) => analyse(dependencies, input.projectId, context),
    }),
    defineTaskType({
      name: "story.prompt",
      budget: "text",
      input: sceneInput,
      execute: (input, context) => writePrompt(dependencies, input.projectId, input.sceneId, context),
    }),
    defineTaskType({
      name: "story.image",
      budget: "image",
      input: sceneInput,
      execute: (input, context) => renderScene(dependencies, input.projectId, input.sceneId, context),
    }),
  ];
}

export const promptTask = (projectId: string, sceneId: string, dependsOn: string[] = []): TaskSpec => ({
  key: `prompt:${sceneId}`,
  type: "story.prompt",
  dependsOn,
  input: { projectId, sceneId } satisfies z.infer<typeof sceneInput>,
});

export const imageTask = (projectId: string, sceneId: string, dependsOn: string[] = []): TaskSpec => ({
  key: `image:${sceneId}`,
  type: "story.image",
  dependsOn,
  input: { projectId, sceneId } satisfies z.infer<typeof sceneInput>,
});

export const analyseTask = (projectId: string): TaskSpec => ({
  key: "analyse",
  type: "story.analyse",
  input: { projectId } satisfies z.infer<typeof projectInput>,
});


async function analyse({ db, providers }: StoryDependencies, projectId: string, context: TaskContext) {
  const project = await db.storyProject.findUniqueOrThrow({ where: { id: projectId } });
  const { object } = await context.callProvider("text", (signal) =>
    providers.text.generateObject({
      name: STORY_ANALYSIS,
      schema: storyAnalysisSchema,
      messages: buildAnalysisMessages({
        story: project.story,
        sceneCount: project.sceneCount ?? undefined,
        language: project.language ?? undefined,
        style: project.style,
      }),
      temperature: 0.4,
      signal,
    }),
  );
  // A model may return more scenes than asked; the user's count wins.
  const scenes = project.sceneCount ? object.scenes.slice(0, project.sceneCount) : object.scenes;
  const sceneIds = scenes.map(() => crypto.randomUUID());
  // Replacing (not appending) keeps a re-executed analysis from duplicating scenes.
  await db.$transaction([
    db.storyScene.deleteMany({ where: { projectId } }),
    db.storyCharacter.deleteMany({ where: { projectId } }),
    db.storyCharacter.createMany({
      data: object.characters.map((character, position) => ({
        id: crypto.randomUUID(),
        projectId,
        position,
        name: character.name,
        description: character.description,
        visualTraits: character.visualTraits,
      })),
    }),
    db.storyScene.createMany({
      data: scenes.map((scene, position) => ({
        id: sceneIds[position]!,
        projectId,
        position,
        title: scene.title,
        summary: scene.summary,
        setting: scene.setting,
        mood: scene.mood,
        charactersPresent: scene.charactersPresent,
        styleTags: [],
        charactersInScene: [],
      })),
    }),
    db.storyProject.update({ where: { id: projectId }, data: { updatedAt: new Date() } }),
  ]);
  context.addTasks(
    sceneIds.flatMap((sceneId) => [
      promptTask(projectId, sceneId, ["analyse"]),
      ...(project.reviewPrompts ? [] : [imageTask(projectId, sceneId, [`prompt:${sceneId}`])]),
    ]),
  );
  return { scenes: scenes.length, characters: object.characters.length };
}

async function writePrompt({ db, providers }: StoryDependencies, projectId: string, sceneId: string, context: TaskContext) {
  const scene = await db.storyScene.findFirstOrThrow({ where: { id: sceneId, projectId }, include: { project: { include: { characters: { orderBy: { position: "asc" } } } } } });
  const characters: Character[] = scene.project.characters.map((character) => ({
    name: character.name,
    description: character.description,
    visualTraits: stringList.parse(character.visualTraits),
  }));
  const { object } = await context.callProvider("text", (signal) =>
    providers.text.generateObject({
      name: SCENE_PROMPT,
      schema: scenePromptSchema,
      messages: buildScenePromptMessages({
        scene: {
          title: scene.title,
          summary: scene.summary,
          setting: scene.setting,
          mood: scene.mood,
          charactersPresent: stringList.parse(scene.charactersPresent),
        },
        characters,
        style: scene.project.style,
        language: scene.project.language ?? undefined,
      }),
      temperature: 0.6,
      signal,
    }),
  );
  await db.storyScene.update({
    where: { id: sceneId },
    data: {
      imagePrompt: object.imagePrompt,
      negativePrompt: object.negativePrompt,
      styleTags: object.styleTags,
      charactersInScene: object.charactersInScene,
    },
  });
  return { sceneId };
}

/** A seed per scene and version: the same version of a scene always renders the same way. */
function seedFor(sceneId: string, version: number): number {
  return crypto.createHash("sha256").update(`${sceneId}:${version}`).digest().readUInt32BE(0) % 2_147_483_647;
}

async function renderScene(dependencies: StoryDependencies, projectId: string, sceneId: string, context: TaskContext) {
  const { db } = dependencies;
  const scene = await db.storyScene.findFirstOrThrow({ where: { id: sceneId, projectId }, include: { project: true } });
  const { imagePrompt } = scene;
  if (!imagePrompt) throw new Error("This scene has no prompt yet");
  const styleTags = stringList.parse(scene.styleTags);
  const image = await renderAndStoreImage(dependencies, {
    context,
    teamId: scene.project.teamId,
    owner: { kind: SCENE_IMAGE_OWNER, id: sceneId },
    request: (version) => ({
      prompt: styleTags.length ? `${imagePrompt} (${styleTags.join(", ")})` : imagePrompt,
      negativePrompt: scene.negativePrompt || undefined,
      size: scene.project.size as ImageSize,
      quality: scene.project.quality as "standard" | "hd",
      style: scene.project.style,
      seed: seedFor(sceneId, version),
      title: scene.title,
    }),
    // Fails, and keeps nothing, when the scene is gone by now (the project was deleted mid-render).
    writes: ({ id }) => [
      db.storyScene.update({ where: { id: sceneId }, data: { currentImageId: id } }),
      db.storyProject.update({ where: { id: projectId }, data: { updatedAt: new Date() } }),
    ],
  });
  return { imageId: image.id, version: image.version };
}

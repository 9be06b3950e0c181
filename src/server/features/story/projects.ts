// Story projects: create (and start the pipeline), read the storyboard, edit scenes and
// characters, regenerate, switch image versions, delete. Access is by team membership of the
// project's team; anyone else is told the project does not exist.
import crypto from "node:crypto";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { deleteImageRows, imagesByOwner, parametersOf } from "@/server/features/images/images";
import type { Engine } from "@/server/generation/engine";
import { ACTIVE_RUN_STATUSES, type RunStatus, type TaskSpec } from "@/server/generation/types";
import type { ImageStore } from "@/server/storage/image-store";
import { isTeamMember } from "@/server/features/teams/membership";
import {
  styleText,
  type CreateProjectInput,
} from "./project-input";
import { stringList } from "./schemas";
import { analyseTask, imageTask, promptTask, SCENE_IMAGE_OWNER, STORY_RUN_KIND } from "./story-pipeline";

export interface StoryServices {
  db: Database;
  engine: Engine;
  images: ImageStore;
}

interface Actor {
  userId: string;
}


/** The project, if the user is a member of its team; NOT_FOUND otherwise. */
export async function findProject(db: Database, userId: string, projectId: string) {
  const project = await db.storyProject.findUnique({ where: { id: projectId } });
  // Another team's project answers exactly like a missing one.
  if (!project || !(await isTeamMember(db, userId, project.teamId))) throw notFound("Project");
  return project;
}

export async function createProject(
  services: StoryServices,
  actor: Actor & { teamId: string },
  input: CreateProjectInput,
): Promise<{ projectId: string; runId: string }> {
  const projectId = crypto.randomUUID();
  await services.db.storyProject.create({
    data: {
      id: projectId,
      teamId: actor.teamId,
      ownerId: actor.userId,
      title: input.title,
      story: input.story,
      sceneCount: input.sceneCount,
      language: input.language || null,
      style: styleText(input.stylePreset, input.styleText),
      size: input.size,
      quality: input.quality,
      maxWorkers: Math.min(input.maxWorkers ?? services.engine.settings.defaultWorkers, services.engine.settings.maxWorkers),
      reviewPrompts: input.reviewPrompts,
    },
  });
  const runId = await startRun(services, actor.userId, projectId, [analyseTask(projectId)]);
  return { projectId, runId };
}

const STILL_GENERATING = "This project is still generating. Wait for the run to end or cancel it first.";

/** Submits a run of the project; the engine refuses a second active run of the same project. */
async function startRun(services: StoryServices, userId: string, projectId: string, tasks: TaskSpec[]): Promise<string> {
  const project = await services.db.storyProject.findUniqueOrThrow({ where: { id: projectId } });
  const runId = await services.engine.submitRun({
    kind: STORY_RUN_KIND,
    teamId: project.teamId,
    ownerId: userId,
    subjectId: projectId,
    exclusiveSubject: { conflictMessage: STILL_GENERATING },
    maxWorkers: project.maxWorkers,
    tasks,
  });
  await services.db.storyProject.update({ where: { id: projectId }, data: { lastRunId: runId } });
  return runId;
}

export type ProjectStatus = "draft" | RunStatus;

export async function listProjects(services: StoryServices, teamId: string) {
  const projects = await services.db.storyProject.findMany({
    where: { teamId },
    orderBy: { updatedAt: "desc" },
    include: {
      _count: { select: { scenes: true } },
      scenes: { where: { currentImageId: { not: null } }, orderBy: { position: "asc" }, take: 1, select: { currentImageId: true } },
    },
  });
  const statusOf = await services.engine.runStatuses(projects.flatMap((project) => (project.lastRunId ? [project.lastRunId] : [])));
  return projects.map((project) => ({
    id: project.id,
    title: project.title,
    sceneCount: project._count.scenes,
    status: (project.lastRunId ? statusOf.get(project.lastRunId) : undefined) ?? ("draft" as ProjectStatus),
    coverImageId: project.scenes[0]?.currentImageId ?? null,
    updatedAt: project.updatedAt,
  }));
}

export async function getProject(services: StoryServices, userId: string, projectId: string) {
  const project = await findProject(services.db, userId, projectId);
  const [characters, scenes, runStatus] = await Promise.all([
    services.db.storyCharacter.findMany({ where: { projectId }, orderBy: { position: "asc" } }),
    services.db.storyScene.findMany({ where: { projectId }, orderBy: { position: "asc" } }),
    project.lastRunId ? services.engine.runStatuses([project.lastRunId]) : null,
  ]);
  const status = project.lastRunId ? runStatus?.get(project.lastRunId) : undefined;
  const images = await imagesByOwner(services.db, SCENE_IMAGE_OWNER, scenes.map((scene) => scene.id));
  return {
    id: project.id,
    title: project.title,
    storyLength: project.story.length,
    sceneCount: project.sceneCount,
    language: project.language,
    style: project.style,
    size: project.size,
    quality: project.quality,
    maxWorkers: project.maxWorkers,
    reviewPrompts: project.reviewPrompts,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    run: project.lastRunId && status ? { id: project.lastRunId, status } : null,
    characters: characters.map((character) => ({
      id: character.id,
      name: character.name,
      description: character.description,
      visualTraits: stringList.parse(character.visualTraits),
    })),
    scenes: scenes.map((scene) => ({
      id: scene.id,
      position: scene.position,
      title: scene.title,
      summary: scene.summary,
      setting: scene.setting,
      mood: scene.mood,
      charactersPresent: stringList.parse(scene.charactersPresent),
      imagePrompt: scene.imagePrompt,
      negativePrompt: scene.negativePrompt,
      styleTags: stringList.parse(scene.styleTags),
      charactersInScene: stringList.parse(scene.charactersInScene),
      currentImageId: scene.currentImageId,
      images: (images.get(scene.id) ?? []).map((image) => ({
        id: image.id,
        version: image.version,
        width: image.width,
        height: image.height,
        ...parametersOf(image),
        attempts: image.attempts,
        durationMs: image.durationMs,
        createdAt: image.createdAt,
      })),
    })),
  };
}

export type ProjectView = Awaited<ReturnType<typeof getProject>>;

async function findScene(db: Database, userId: string, projectId: string, sceneId: string) {
  await findProject(db, userId, projectId);
  const scene = await db.storyScene.findFirst({ where: { id: sceneId, projectId } });
  if (!scene) throw notFound("Scene");
  return scene;
}

export async function updateScene(
  services: StoryServices,
  userId: string,
  input: { projectId: string; sceneId: string; imagePrompt: string; negativePrompt: string; styleTags: string[] },
) {
  await findScene(services.db, userId, input.projectId, input.sceneId);
  await services.db.storyScene.update({
    where: { id: input.sceneId },
    data: { imagePrompt: input.imagePrompt, negativePrompt: input.negativePrompt, styleTags: input.styleTags },
  });
}

/** Renders one scene again with its current prompt; the new image becomes a new version. */
export async function regenerateScene(services: StoryServices, userId: string, input: { projectId: string; sceneId: string }) {
  const scene = await findScene(services.db, userId, input.projectId, input.sceneId);
  if (!scene.imagePrompt) throw new AppError("BAD_REQUEST", "This scene has no prompt yet");
  return { runId: await startRun(services, userId, input.projectId, [imageTask(input.projectId, input.sceneId)]) };
}

/** Renders every scene that has a prompt (after reviewing prompts, or to redo the storyboard). */
export async function renderAllScenes(services: StoryServices, userId: string, projectId: string) {
  await findProject(services.db, userId, projectId);
  const scenes = await services.db.storyScene.findMany({
    where: { projectId, imagePrompt: { not: null } },
    orderBy: { position: "asc" },
    select: { id: true },
  });
  if (!scenes.length) throw new AppError("BAD_REQUEST", "No scene has a prompt to render yet");
  return { runId: await startRun(services, userId, projectId, scenes.map((scene) => imageTask(projectId, scene.id))) };
}

export async function setCurrentImage(
  services: StoryServices,
  userId: string,
  input: { projectId: string; sceneId: string; imageId: string },
) {
  await findScene(services.db, userId, input.projectId, input.sceneId);
  const image = await services.db.image.findFirst({ where: { id: input.imageId, ownerKind: SCENE_IMAGE_OWNER, ownerId: input.sceneId } });
  if (!image) throw notFound("Image");
  await services.db.storyScene.update({ where: { id: input.sceneId }, data: { currentImageId: image.id } });
}

/**
 * Saves the character list and rewrites the prompts of the scenes whose characters changed
 * (then renders them again, unless the project reviews prompts first). Returns the run, if any.
 */
export async function updateCharacters(
  services: StoryServices,
  userId: string,
  input: { projectId: string; characters: { id?: string; name: string; description: string; visualTraits: string[] }[] },
) {
  const { db } = services;
  const project = await findProject(db, userId, input.projectId);
  const before = await db.storyCharacter.findMany({ where: { projectId: project.id } });
  const beforeById = new Map(before.map((character) => [character.id, character]));
  const names = input.characters.map((character) => character.name.toLowerCase());
  if (new Set(names).size !== names.length) throw new AppError("BAD_REQUEST", "Two characters have the same name", { field: "characters" });

  const changedNames = new Set<string>();
  const renames = new Map<string, string>();
  for (const character of input.characters) {
    const previous = character.id ? beforeById.get(character.id) : undefined;
    if (character.id && !previous) throw notFound("Character");
    if (!previous) {
      changedNames.add(character.name);
      continue;
    }
    if (previous.name !== character.name) renames.set(previous.name, character.name);
    if (
      previous.name !== character.name ||
      previous.description !== character.description ||
      JSON.stringify(previous.visualTraits) !== JSON.stringify(character.visualTraits)
    ) {
      changedNames.add(previous.name);
      changedNames.add(character.name);
    }
  }
  const kept = new Set(input.characters.flatMap((character) => (character.id ? [character.id] : [])));
  for (const character of before) if (!kept.has(character.id)) changedNames.add(character.name);

  const scenes = await db.storyScene.findMany({ where: { projectId: project.id }, orderBy: { position: "asc" } });
  const rename = (list: string[]) => list.map((name) => renames.get(name) ?? name);
  const affected = scenes.filter((scene) =>
    [...stringList.parse(scene.charactersPresent), ...stringList.parse(scene.charactersInScene)].some((name) => changedNames.has(name)),
  );

  await db.$transaction([
    db.storyCharacter.deleteMany({ where: { projectId: project.id, id: { notIn: [...kept] } } }),
    ...input.characters.map((character, position) => {
      const data = {
        position,
        name: character.name,
        description: character.description,
        visualTraits: character.visualTraits,
      };
      return character.id
        ? db.storyCharacter.update({ where: { id: character.id }, data })
        : db.storyCharacter.create({ data: { ...data, id: crypto.randomUUID(), projectId: project.id } });
    }),
    ...scenes
      .filter(() => renames.size > 0)
      .map((scene) =>
        db.storyScene.update({
          where: { id: scene.id },
          data: {
            charactersPresent: rename(stringList.parse(scene.charactersPresent)),
            charactersInScene: rename(stringList.parse(scene.charactersInScene)),
          },
        }),
      ),
  ]);

  if (!affected.length) return { runId: null, affectedScenes: 0 };
  const tasks = affected.flatMap((scene) => [
    promptTask(project.id, scene.id),
    ...(project.reviewPrompts ? [] : [imageTask(project.id, scene.id, [`prompt:${scene.id}`])]),
  ]);
  return { runId: await startRun(services, userId, project.id, tasks), affectedScenes: affected.length };
}

export async function retryFailedScenes(services: StoryServices, userId: string, projectId: string) {
  const project = await findProject(services.db, userId, projectId);
  if (!project.lastRunId) throw new AppError("BAD_REQUEST", "This project has not run yet");
  const last = await services.engine.getRun(project.lastRunId);
  if (last && ACTIVE_RUN_STATUSES.has(last.status)) {
    throw new AppError("CONFLICT", "This project is still generating. Retry failed scenes once the run has ended.");
  }
  return { requeued: await services.engine.retryFailed(project.lastRunId), runId: project.lastRunId };
}

export async function cancelProjectRun(services: StoryServices, userId: string, projectId: string) {
  const project = await findProject(services.db, userId, projectId);
  if (project.lastRunId) await services.engine.cancelRun(project.lastRunId);
}

/** Deletes the project, its scenes and characters, and its images (rows and files). */
export async function deleteProject(services: StoryServices, userId: string, projectId: string) {
  const project = await findProject(services.db, userId, projectId);
  if (project.lastRunId) await services.engine.cancelRun(project.lastRunId);
  // One transaction: a render finishing meanwhile either committed before (its image is deleted
  // here) or fails afterwards on its missing scene (and removes its own files). The project goes
  // first: on PostgreSQL that waits for a render holding its row, and the images are read after.
  const files = await services.db.$transaction(async (tx) => {
    const scenes = await tx.storyScene.findMany({ where: { projectId }, select: { id: true } });
    await tx.storyProject.delete({ where: { id: projectId } });
    return deleteImageRows(tx, SCENE_IMAGE_OWNER, scenes.map((scene) => scene.id));
  });
  await services.images.remove(files);
}

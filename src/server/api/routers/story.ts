// Story projects. Thin: validate, call the story feature, return its view.
import { z } from "zod";
import { imageParametersSchema } from "@/server/features/images/images";
import {
  cancelProjectRun,
  createProject,
  deleteProject,
  getProject,
  listProjects,
  regenerateScene,
  renderAllScenes,
  retryFailedScenes,
  setCurrentImage,
  updateCharacters,
  updateScene,
  type StoryServices,
} from "@/server/features/story/projects";
import {
  createProjectInput,
  projectInput,
  sceneInput,
  setCurrentImageInput,
  STYLE_PRESETS,
  updateCharactersInput,
  updateSceneInput,
} from "@/server/features/story/project-input";
import { RUN_STATUSES } from "@/server/generation/types";
import { createTRPCRouter, protectedProcedure, teamProcedure } from "../trpc";

const runStatus = z.enum(RUN_STATUSES);
const runReference = z.object({ runId: z.string() });

const projectView = z.object({
  id: z.string(),
  title: z.string(),
  storyLength: z.number(),
  sceneCount: z.number().nullable(),
  language: z.string().nullable(),
  style: z.string(),
  size: z.string(),
  quality: z.string(),
  maxWorkers: z.number(),
  reviewPrompts: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  run: z.object({ id: z.string(), status: runStatus }).nullable(),
  characters: z.array(z.object({ id: z.string(), name: z.string(), description: z.string(), visualTraits: z.array(z.string()) })),
  scenes: z.array(
    z.object({
      id: z.string(),
      position: z.number(),
      title: z.string(),
      summary: z.string(),
      setting: z.string(),
      mood: z.string(),
      charactersPresent: z.array(z.string()),
      imagePrompt: z.string().nullable(),
      negativePrompt: z.string(),
      styleTags: z.array(z.string()),
      charactersInScene: z.array(z.string()),
      currentImageId: z.string().nullable(),
      images: z.array(
        z.object({
          id: z.string(),
          version: z.number(),
          width: z.number(),
          height: z.number(),
          ...imageParametersSchema.shape,
          attempts: z.number(),
          durationMs: z.number(),
          createdAt: z.date(),
        }),
      ),
    }),
  ),
});

/** `getServices` is a parameter so tests can serve the router with an engine and store of their own. */
export function createStoryRouter(getServices: () => StoryServices) {
  return createTRPCRouter({
    options: protectedProcedure
      .output(
        z.object({ stylePresets: z.array(z.string()), defaultWorkers: z.number(), maxWorkers: z.number(), maxAttempts: z.number() }),
      )
      .query(() => {
        const { settings } = getServices().engine;
        return {
          stylePresets: Object.keys(STYLE_PRESETS),
          defaultWorkers: settings.defaultWorkers,
          maxWorkers: settings.maxWorkers,
          maxAttempts: settings.retry.maxAttempts,
        };
      }),

    list: teamProcedure
      .output(
        z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            sceneCount: z.number(),
            status: z.enum(["draft", ...RUN_STATUSES]),
            coverImageId: z.string().nullable(),
            updatedAt: z.date(),
          }),
        ),
      )
      .query(({ ctx }) => listProjects(getServices(), ctx.team.id)),

    create: teamProcedure
      .input(createProjectInput)
      .output(z.object({ projectId: z.string(), runId: z.string() }))
      .mutation(({ ctx, input }) => createProject(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),

    get: protectedProcedure
      .input(projectInput)
      .output(projectView)
      .query(({ ctx, input }) => getProject(getServices(), ctx.user.id, input.projectId)),

    updateScene: protectedProcedure
      .input(updateSceneInput)
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await updateScene(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    regenerateScene: protectedProcedure
      .input(sceneInput)
      .output(runReference)
      .mutation(({ ctx, input }) => regenerateScene(getServices(), ctx.user.id, input)),

    renderAll: protectedProcedure
      .input(projectInput)
      .output(runReference)
      .mutation(({ ctx, input }) => renderAllScenes(getServices(), ctx.user.id, input.projectId)),

    setCurrentImage: protectedProcedure
      .input(setCurrentImageInput)
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await setCurrentImage(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    updateCharacters: protectedProcedure
      .input(updateCharactersInput)
      .output(z.object({ runId: z.string().nullable(), affectedScenes: z.number() }))
      .mutation(({ ctx, input }) => updateCharacters(getServices(), ctx.user.id, input)),

    retryFailed: protectedProcedure
      .input(projectInput)
      .output(z.object({ requeued: z.number(), runId: z.string() }))
      .mutation(({ ctx, input }) => retryFailedScenes(getServices(), ctx.user.id, input.projectId)),

    cancel: protectedProcedure
      .input(projectInput)
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await cancelProjectRun(getServices(), ctx.user.id, input.projectId);
        return { ok: true as const };
      }),

    delete: protectedProcedure
      .input(projectInput)
      .output(z.object({ ok: z.literal(true) }))
      .mutation(async ({ ctx, input }) => {
        await deleteProject(getServices(), ctx.user.id, input.projectId);
        return { ok: true as const };
      }),
  });
}

// Personas. Thin: validate, call the persona feature, return its view. Every procedure that names a
// persona, batch or link checks the caller's membership of its team (NOT_FOUND for anyone else);
// changes follow the caller's role (persona-access.ts). shared.get is public: a share token opens
// one persona, read-only.
import { z } from "zod";
import { cancelBatch, createBatch, getBatch, listBatches, retryBatch } from "@/server/features/persona/batches";
import { parseBatch } from "@/server/features/persona/batch-input";
import { importCard } from "@/server/features/persona/cards/persona-cards";
import { regenerateStage, restoreAvatar, restorePost, restoreVersion, retryFailedStages, updatePost, updateStage } from "@/server/features/persona/persona-edits";
import {
  batchInput,
  createBatchInput,
  createFromDescriptionInput,
  createFromPictureInput,
  createShareLinkInput,
  importCardInput,
  MAX_BATCH_PERSONAS,
  MAX_DESCRIPTION_CHARACTERS,
  personaInput,
  postInput,
  regenerateStageInput,
  restoreAvatarInput,
  restorePostInput,
  restoreVersionInput,
  retryFailedInput,
  shareLinkInput,
  shareTokenInput,
  teamSettingsInput,
  updatePostInput,
  updateStageInput,
} from "@/server/features/persona/persona-input";
import type { PersonaServices } from "@/server/features/persona/persona-runs";
import { getPersona, getPostVersions } from "@/server/features/persona/persona-view";
import { cancelPersonaRun, createFromDescription, createFromPicture, deletePersona, listPersonas } from "@/server/features/persona/personas";
import { postSchema } from "@/server/features/persona/schemas";
import { createShareLink, listShareLinks, readSharedPersona, revokeShareLink } from "@/server/features/persona/share-links";
import { STAGE_LABEL, STAGE_NEEDS, STAGE_NUMBER, STAGES } from "@/server/features/persona/stages";
import { getTeamSettings, setTeamSettings } from "@/server/features/persona/team-settings";
import { MAX_FILES_PER_UPLOAD, MAX_UPLOAD_BYTES, MAX_UPLOAD_SIDE } from "@/server/features/persona/uploads";
import { createTRPCRouter, protectedProcedure, publicProcedure, teamProcedure } from "../trpc";
import {
  batchPreview,
  batchSummary,
  batchView,
  created,
  ok,
  personaLimits,
  restoredVersion,
  personaSummary,
  personaView,
  runStarted,
  savedVersion,
  shareLinkView,
  versionView,
  sharedPersonaView,
  teamSettingsView,
} from "./persona-outputs";

/** `getServices` is a parameter so tests can serve the router with an engine and store of their own. */
export function createPersonaRouter(getServices: () => PersonaServices) {
  const batches = createTRPCRouter({
    /** Reads descriptions (lines, CSV, JSON) and reports each line's problem, without creating anything. */
    preview: protectedProcedure
      .input(z.object({ text: z.string().max(300_000), format: z.enum(["lines", "csv", "json"]).optional() }))
      .output(batchPreview)
      .mutation(({ input }) => parseBatch(input.text, input.format)),
    create: teamProcedure
      .input(createBatchInput)
      .output(z.object({ batchId: z.string(), runId: z.string(), personaIds: z.array(z.string()) }))
      .mutation(({ ctx, input }) => createBatch(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),
    list: teamProcedure.output(z.array(batchSummary)).query(({ ctx }) => listBatches(getServices(), ctx.team.id)),
    get: protectedProcedure
      .input(batchInput)
      .output(batchView)
      .query(({ ctx, input }) => getBatch(getServices(), ctx.user.id, input.batchId)),
    retryFailed: protectedProcedure
      .input(batchInput)
      .output(z.object({ runId: z.string(), personas: z.number() }))
      .mutation(({ ctx, input }) => retryBatch(getServices(), ctx.user.id, input.batchId)),
    /** Stops what is generating for the batch; finished stages stay, the rest shows as cancelled. */
    cancel: protectedProcedure
      .input(batchInput)
      .output(z.object({ cancelledRuns: z.number() }))
      .mutation(({ ctx, input }) => cancelBatch(getServices(), ctx.user.id, input.batchId)),
  });

  const shareLinks = createTRPCRouter({
    /** The token is in this answer only; the server keeps its hash. */
    create: protectedProcedure
      .input(createShareLinkInput)
      .output(shareLinkView.extend({ token: z.string() }))
      .mutation(({ ctx, input }) => createShareLink(getServices().db, ctx.user.id, input)),
    list: protectedProcedure
      .input(personaInput)
      .output(z.array(shareLinkView))
      .query(({ ctx, input }) => listShareLinks(getServices().db, ctx.user.id, input.personaId)),
    revoke: protectedProcedure
      .input(shareLinkInput)
      .output(shareLinkView)
      .mutation(({ ctx, input }) => revokeShareLink(getServices().db, ctx.user.id, input)),
  });

  const shared = createTRPCRouter({
    get: publicProcedure
      .input(shareTokenInput)
      .output(sharedPersonaView)
      .query(({ input }) => readSharedPersona(getServices().db, getServices().engine, input.token)),
  });

  const teamSettings = createTRPCRouter({
    get: teamProcedure.output(teamSettingsView).query(({ ctx }) => getTeamSettings(getServices().db, ctx.team)),
    set: teamProcedure
      .input(teamSettingsInput)
      .output(teamSettingsView)
      .mutation(({ ctx, input }) => setTeamSettings(getServices().db, ctx.user.id, ctx.team, input)),
  });

  return createTRPCRouter({
    options: protectedProcedure.output(personaLimits).query(() => ({
      stages: STAGES.map((stage) => ({ stage, number: STAGE_NUMBER[stage], label: STAGE_LABEL[stage], needs: [...STAGE_NEEDS[stage]] })),
      defaults: { postCount: 10, lorebookEntryCount: 6, avatar: true, contentRating: "general" as const },
      limits: {
        postCount: { min: 1, max: 30 },
        lorebookEntryCount: { min: 1, max: 20 },
        descriptionCharacters: MAX_DESCRIPTION_CHARACTERS,
        batchPersonas: MAX_BATCH_PERSONAS,
        uploadBytes: MAX_UPLOAD_BYTES,
        uploadSide: MAX_UPLOAD_SIDE,
        uploadFilesPerRequest: MAX_FILES_PER_UPLOAD,
      },
    })),

    list: teamProcedure.output(z.array(personaSummary)).query(({ ctx }) => listPersonas(getServices(), ctx.team.id)),

    createFromDescription: teamProcedure
      .input(createFromDescriptionInput)
      .output(created)
      .mutation(({ ctx, input }) => createFromDescription(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),

    createFromPicture: teamProcedure
      .input(createFromPictureInput)
      .output(created)
      .mutation(({ ctx, input }) => createFromPicture(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),

    /** A V1, V2 or V3 card as JSON text; PNG cards go through POST /api/personas/import. */
    importCard: teamProcedure
      .input(importCardInput)
      .output(z.object({ personaId: z.string(), spec: z.enum(["v1", "v2", "v3"]) }))
      .mutation(({ ctx, input }) => importCard(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, Buffer.from(input.json, "utf8"))),

    get: protectedProcedure
      .input(personaInput)
      .output(personaView)
      .query(({ ctx, input }) => getPersona(getServices(), ctx.user.id, input.personaId)),

    updateStage: protectedProcedure
      .input(updateStageInput)
      .output(savedVersion)
      .mutation(({ ctx, input }) => updateStage(getServices(), ctx.user.id, input)),

    updatePost: protectedProcedure
      .input(updatePostInput)
      .output(savedVersion)
      .mutation(({ ctx, input }) => updatePost(getServices(), ctx.user.id, input)),

    restoreVersion: protectedProcedure
      .input(restoreVersionInput)
      .output(restoredVersion)
      .mutation(({ ctx, input }) => restoreVersion(getServices(), ctx.user.id, input)),

    /** Every version of one post (the persona's page loads them when asked). */
    postVersions: protectedProcedure
      .input(postInput)
      .output(z.array(versionView(postSchema)))
      .query(({ ctx, input }) => getPostVersions(getServices(), ctx.user.id, input)),

    restorePost: protectedProcedure
      .input(restorePostInput)
      .output(savedVersion)
      .mutation(({ ctx, input }) => restorePost(getServices(), ctx.user.id, input)),

    /** An earlier avatar becomes the avatar again (stored as the next version). */
    restoreAvatar: protectedProcedure
      .input(restoreAvatarInput)
      .output(z.object({ imageId: z.string(), version: z.number() }))
      .mutation(({ ctx, input }) => restoreAvatar(getServices(), ctx.user.id, input)),

    regenerateStage: protectedProcedure
      .input(regenerateStageInput)
      .output(runStarted)
      .mutation(({ ctx, input }) => regenerateStage(getServices(), ctx.user.id, input)),

    retryFailed: protectedProcedure
      .input(retryFailedInput)
      .output(runStarted)
      .mutation(({ ctx, input }) => retryFailedStages(getServices(), ctx.user.id, input)),

    cancel: protectedProcedure
      .input(personaInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await cancelPersonaRun(getServices(), ctx.user.id, input.personaId);
        return { ok: true as const };
      }),

    delete: protectedProcedure
      .input(personaInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await deletePersona(getServices(), ctx.user.id, input.personaId);
        return { ok: true as const };
      }),

    batches,
    shareLinks,
    shared,
    teamSettings,
  });
}

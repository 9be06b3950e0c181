// Slide decks and the team's API keys. Thin: validate, call the slides feature, return its view.
// Every deck procedure checks membership of the deck's team (NOT_FOUND otherwise); the API key
// procedures act on the session's active team and are for its owners and admins.
import { z } from "zod";
import { imageParametersSchema } from "@/server/features/images/images";
import { apiKeyName, createApiKey, listApiKeys, revokeApiKey } from "@/server/features/slides/api-keys";
import {
  addSlideInput,
  createDeckInput,
  createFromOutlineInput,
  DECK_ASPECT_RATIOS,
  DECK_QUALITIES,
  DECK_STYLE_PRESETS,
  deckInput,
  MAX_DECK_TITLE,
  MAX_IMAGE_PROMPT,
  MAX_OUTLINE_CHARACTERS,
  MAX_SLIDE_TEXT,
  MAX_SLIDE_TITLE,
  MAX_SLIDES,
  MAX_STYLE_TEXT,
  moveSlideInput,
  outlineText,
  regenerateSlideInput,
  setCurrentImageInput,
  slideReference,
  updateSlideInput,
} from "@/server/features/slides/deck-input";
import { SLIDE_STATUSES } from "@/server/features/slides/deck-view";
import { createDeck, createDeckFromOutline, listDecks, MAX_ACTIVE_DECKS_PER_TEAM, previewOutline, type SlidesServices } from "@/server/features/slides/decks";
import {
  addDeckSlide,
  cancelDeck,
  getDeck,
  moveDeckSlide,
  regenerateDeckSlide,
  removeDeck,
  removeDeckSlide,
  retryFailedDeckSlides,
  setDeckSlideImage,
  updateDeckSlide,
} from "@/server/features/slides/member-decks";
import { RUN_STATUSES } from "@/server/generation/types";
import { createTRPCRouter, protectedProcedure, teamProcedure } from "../trpc";

const ok = z.object({ ok: z.literal(true) });
const deckStatus = z.enum(["draft", ...RUN_STATUSES]);
const counts = z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number(), cancelled: z.number() });

const slideImage = z.object({
  id: z.string(),
  version: z.number(),
  width: z.number(),
  height: z.number(),
  ...imageParametersSchema.shape,
  attempts: z.number(),
  durationMs: z.number(),
  createdAt: z.date(),
});

const deckView = z.object({
  id: z.string(),
  teamId: z.string(),
  title: z.string(),
  stylePreset: z.string(),
  stylePrompt: z.string(),
  aspectRatio: z.string(),
  quality: z.string(),
  maxWorkers: z.number(),
  status: deckStatus,
  createdAt: z.date(),
  updatedAt: z.date(),
  run: z
    .object({
      id: z.string(),
      status: z.enum(RUN_STATUSES),
      /** 1 = next to start; null unless waiting for a free slot. */
      queuePosition: z.number().nullable(),
      maxWorkers: z.number(),
      counts,
      queuedAt: z.date(),
      startedAt: z.date().nullable(),
      endedAt: z.date().nullable(),
    })
    .nullable(),
  slides: z.array(
    z.object({
      id: z.string(),
      position: z.number(),
      title: z.string(),
      text: z.string(),
      imagePrompt: z.string(),
      promptWritten: z.boolean(),
      status: z.enum(SLIDE_STATUSES),
      step: z.enum(["prompt", "image"]).nullable(),
      error: z.string().nullable(),
      attempts: z.number(),
      currentImageId: z.string().nullable(),
      images: z.array(slideImage),
    }),
  ),
});

const outlineSlide = z.object({ title: z.string(), text: z.string(), imagePrompt: z.string() });

const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

/** `getServices` is a parameter so tests can serve the router with an engine and store of their own. */
export function createSlidesRouter(getServices: () => SlidesServices) {
  return createTRPCRouter({
    /** What the deck form offers and the limits it must respect. */
    options: protectedProcedure
      .output(
        z.object({
          stylePresets: z.array(z.object({ name: z.string(), prompt: z.string() })),
          aspectRatios: z.array(z.enum(DECK_ASPECT_RATIOS)),
          qualities: z.array(z.enum(DECK_QUALITIES)),
          defaultWorkers: z.number(),
          maxWorkers: z.number(),
          maxConcurrentDecks: z.number(),
          maxAttempts: z.number(),
          limits: z.object({
            slides: z.number(),
            deckTitle: z.number(),
            slideTitle: z.number(),
            slideText: z.number(),
            imagePrompt: z.number(),
            styleText: z.number(),
            outline: z.number(),
            activeDecksPerTeam: z.number(),
          }),
        }),
      )
      .query(() => {
        const { settings } = getServices().engine;
        return {
          stylePresets: Object.entries(DECK_STYLE_PRESETS).map(([name, prompt]) => ({ name, prompt })),
          aspectRatios: [...DECK_ASPECT_RATIOS],
          qualities: [...DECK_QUALITIES],
          defaultWorkers: settings.defaultWorkers,
          maxWorkers: settings.maxWorkers,
          maxConcurrentDecks: settings.maxConcurrentRuns,
          maxAttempts: settings.retry.maxAttempts,
          limits: {
            slides: MAX_SLIDES,
            deckTitle: MAX_DECK_TITLE,
            slideTitle: MAX_SLIDE_TITLE,
            slideText: MAX_SLIDE_TEXT,
            imagePrompt: MAX_IMAGE_PROMPT,
            styleText: MAX_STYLE_TEXT,
            outline: MAX_OUTLINE_CHARACTERS,
            activeDecksPerTeam: MAX_ACTIVE_DECKS_PER_TEAM,
          },
        };
      }),

    list: teamProcedure
      .output(
        z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            slideCount: z.number(),
            aspectRatio: z.string(),
            status: deckStatus,
            coverImageId: z.string().nullable(),
            updatedAt: z.date(),
          }),
        ),
      )
      .query(({ ctx }) => listDecks(getServices(), ctx.team.id)),

    create: teamProcedure
      .input(createDeckInput)
      .output(z.object({ deckId: z.string(), runId: z.string() }))
      .mutation(({ ctx, input }) => createDeck(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),

    /**
     * The slides an outline would make (each heading a slide), and the limit it breaks, if any.
     * Stores nothing; a mutation only so that a long outline travels in a POST body, not a URL.
     */
    previewOutline: protectedProcedure
      .input(z.object({ outline: outlineText }))
      .output(z.object({ slides: z.array(outlineSlide), suggestedTitle: z.string().nullable(), warnings: z.array(z.string()), problem: z.string().nullable() }))
      .mutation(({ input }) => previewOutline(input.outline)),

    createFromOutline: teamProcedure
      .input(createFromOutlineInput)
      .output(z.object({ deckId: z.string(), runId: z.string(), slideCount: z.number(), warnings: z.array(z.string()) }))
      .mutation(({ ctx, input }) => createDeckFromOutline(getServices(), { userId: ctx.user.id, teamId: ctx.team.id }, input)),

    get: protectedProcedure
      .input(deckInput)
      .output(deckView)
      .query(({ ctx, input }) => getDeck(getServices(), ctx.user.id, input.deckId)),

    updateSlide: protectedProcedure
      .input(updateSlideInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await updateDeckSlide(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    /** Adds a slide; it renders when asked (regenerateSlide, or retryFailed's "render missing"). */
    addSlide: protectedProcedure
      .input(addSlideInput)
      .output(z.object({ slideId: z.string() }))
      .mutation(({ ctx, input }) => addDeckSlide(getServices(), ctx.user.id, input)),

    removeSlide: protectedProcedure
      .input(slideReference)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await removeDeckSlide(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    moveSlide: protectedProcedure
      .input(moveSlideInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await moveDeckSlide(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    regenerateSlide: protectedProcedure
      .input(regenerateSlideInput)
      .output(z.object({ runId: z.string() }))
      .mutation(({ ctx, input }) => regenerateDeckSlide(getServices(), ctx.user.id, input)),

    setCurrentImage: protectedProcedure
      .input(setCurrentImageInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await setDeckSlideImage(getServices(), ctx.user.id, input);
        return { ok: true as const };
      }),

    retryFailed: protectedProcedure
      .input(deckInput)
      .output(z.object({ runId: z.string().nullable(), slides: z.number() }))
      .mutation(({ ctx, input }) => retryFailedDeckSlides(getServices(), ctx.user.id, input.deckId)),

    cancel: protectedProcedure
      .input(deckInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await cancelDeck(getServices(), ctx.user.id, input.deckId);
        return { ok: true as const };
      }),

    delete: protectedProcedure
      .input(deckInput)
      .output(ok)
      .mutation(async ({ ctx, input }) => {
        await removeDeck(getServices(), ctx.user.id, input.deckId);
        return { ok: true as const };
      }),

    /** The active team's keys for the batch API; owners and admins only. */
    apiKeys: createTRPCRouter({
      list: teamProcedure.output(z.array(apiKeyView)).query(({ ctx }) => listApiKeys(ctx.db, ctx.team)),

      /** The secret (`key`) is in this answer only; it is never shown again. */
      create: teamProcedure
        .input(z.object({ name: apiKeyName }))
        .output(apiKeyView.extend({ key: z.string() }))
        .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.team, ctx.user.id, input.name)),

      revoke: teamProcedure
        .input(z.object({ keyId: z.string().min(1).max(100) }))
        .output(ok)
        .mutation(async ({ ctx, input }) => {
          await revokeApiKey(ctx.db, ctx.team, input.keyId);
          return { ok: true as const };
        }),
    }),
  });
}

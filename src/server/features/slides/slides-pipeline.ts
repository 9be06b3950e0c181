// A deck's generation as engine tasks: `prompt:<slide>` (slides.prompt, text budget) writes the
// image prompt of a slide that has none, from its title and text; `image:<slide>` (slides.image,
// image budget) renders the slide's prompt with the deck's style prompt at the deck's aspect
// ratio. Both are safe to execute again after a crash.
import crypto from "node:crypto";
import { z } from "zod";
import { renderAndStoreImage } from "@/server/features/images/render-image";
import { defineTaskType, type TaskContext, type TaskSpec, type TaskType } from "@/server/generation/types";
import type { AspectRatio } from "@/server/providers/types";
import type { DomainServices } from "../domain";
import type { DeckQuality } from "./deck-input";
import { buildSlidePromptMessages, SLIDE_PROMPT, slidePromptSchema } from "./slide-prompt-messages";

export const SLIDES_RUN_KIND = "slides";
/** Image.ownerKind of a slide's images. */
export const SLIDE_IMAGE_OWNER = "slide";
export const SLIDE_PROMPT_TASK = "slides.prompt";
export const SLIDE_IMAGE_TASK = "slides.image";

const slideTaskInput = z.object({ deckId: z.string().min(1), slideId: z.string().min(1) });

export function slidesTaskTypes(services: DomainServices): TaskType[] {
  return [
    defineTaskType({
      name: SLIDE_PROMPT_TASK,
      budget: "text",
      input: slideTaskInput,
      execute: (input, context) => writePrompt(services, input.deckId, input.slideId, context),
    }),
    defineTaskType({
      name: SLIDE_IMAGE_TASK,
      budget: "image",
      input: slideTaskInput,
      execute: (input, context) => renderSlide(services, input.deckId, input.slideId, context),
    }),
  ];
}

export const promptTaskKey = (slideId: string) => `prompt:${slideId}`;
export const imageTaskKey = (slideId: string) => `image:${slideId}`;

/** The slide id a task key names, or null for a key of another form. */
export function slideIdOfTaskKey(key: string): string | null {
  const match = /^(?:prompt|image):(.+)$/.exec(key);
  return match ? match[1]! : null;
}

/** A slide's tasks: its image, after a prompt task when it has no prompt yet. */
export function slideTasks(deckId: string, slide: { id: string; imagePrompt: string }): TaskSpec[] {
  const input = { deckId, slideId: slide.id } satisfies z.infer<typeof slideTaskInput>;
  if (slide.imagePrompt.trim()) return [{ key: imageTaskKey(slide.id), type: SLIDE_IMAGE_TASK, input }];
  return [
    { key: promptTaskKey(slide.id), type: SLIDE_PROMPT_TASK, input },
    { key: imageTaskKey(slide.id), type: SLIDE_IMAGE_TASK, dependsOn: [promptTaskKey(slide.id)], input },
  ];
}

async function findSlide({ db }: DomainServices, deckId: string, slideId: string) {
  return db.slide.findFirstOrThrow({ where: { id: slideId, deckId }, include: { deck: true } });
}

async function writePrompt(services: DomainServices, deckId: string, slideId: string, context: TaskContext) {
  const slide = await findSlide(services, deckId, slideId);
  // The user may have written a prompt since the run started: theirs wins, and costs nothing.
  if (slide.imagePrompt.trim()) return { slideId, written: false };
  const { object } = await context.callProvider("text", (signal) =>
    services.providers.text.generateObject({
      name: SLIDE_PROMPT,
      schema: slidePromptSchema,
      messages: buildSlidePromptMessages({
        deckTitle: slide.deck.title,
        title: slide.title,
        text: slide.text,
        style: slide.deck.stylePrompt,
        aspectRatio: slide.deck.aspectRatio,
      }),
      temperature: 0.6,
      signal,
    }),
  );
  await services.db.slide.update({ where: { id: slideId }, data: { imagePrompt: object.imagePrompt, promptWritten: true } });
  return { slideId, written: true };
}

/** A seed per slide and version: the same version of a slide always renders the same way. */
function seedFor(slideId: string, version: number): number {
  return crypto.createHash("sha256").update(`${slideId}:${version}`).digest().readUInt32BE(0) % 2_147_483_647;
}

async function renderSlide(services: DomainServices, deckId: string, slideId: string, context: TaskContext) {
  const { db } = services;
  const slide = await findSlide(services, deckId, slideId);
  const prompt = slide.imagePrompt.trim();
  if (!prompt) throw new Error("This slide has no image prompt yet");
  const { deck } = slide;
  const image = await renderAndStoreImage(services, {
    context,
    teamId: deck.teamId,
    owner: { kind: SLIDE_IMAGE_OWNER, id: slideId },
    request: (version) => ({
      prompt,
      style: deck.stylePrompt,
      size: deck.aspectRatio as AspectRatio,
      quality: deck.quality as DeckQuality,
      seed: seedFor(slideId, version),
      title: slide.title,
    }),
    // Fails, and keeps nothing, when the slide is gone by now (the deck was deleted mid-render).
    writes: ({ id }) => [
      db.slide.update({ where: { id: slideId }, data: { currentImageId: id } }),
      db.slideDeck.update({ where: { id: deckId }, data: { updatedAt: new Date() } }),
    ],
  });
  return { imageId: image.id, version: image.version };
}

// Changing which slides a deck has after it was created: add a slide (rendered when the member asks,
// like any slide without an image), remove one with its images, move one to another place.
// Positions stay 0..n-1 in deck order, which is what the page, the exports and the batch API count.
import crypto from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { AppError } from "@/server/errors";
import { deleteImageRows } from "@/server/features/images/images";
import { MAX_SLIDES } from "./deck-input";
import type { SlidesServices } from "./decks";
import { assertSlideNotRendering, findSlide } from "./slide-actions";
import { SLIDE_IMAGE_OWNER } from "./slides-pipeline";

type Deck = { id: string; lastRunId: string | null };

/** Adds a slide at `position` (0-based; at the end when absent) and returns its id. Nothing renders yet. */
export async function addSlide(
  services: SlidesServices,
  deck: Deck,
  input: { title: string; text: string; imagePrompt: string; position?: number },
): Promise<{ slideId: string }> {
  const slideId = crypto.randomUUID();
  await services.db.$transaction(async (transaction) => {
    const slides = await transaction.slide.findMany({ where: { deckId: deck.id }, orderBy: { position: "asc" }, select: { id: true } });
    if (slides.length >= MAX_SLIDES) throw new AppError("BAD_REQUEST", `A deck has at most ${MAX_SLIDES} slides`);
    const at = Math.min(input.position ?? slides.length, slides.length);
    await transaction.slide.create({
      data: { id: slideId, deckId: deck.id, position: at, title: input.title, text: input.text, imagePrompt: input.imagePrompt },
    });
    await renumber(transaction, slides.toSpliced(at, 0, { id: slideId }));
    await transaction.slideDeck.update({ where: { id: deck.id }, data: { updatedAt: new Date() } });
  });
  return { slideId };
}

/** Removes a slide and its images (rows and files). A deck keeps at least one slide. */
export async function removeSlide(services: SlidesServices, deck: Deck, input: { slideId: string }): Promise<void> {
  const slide = await findSlide(services.db, deck.id, input.slideId);
  await assertSlideNotRendering(services, deck, slide, "removed");
  const files = await services.db.$transaction(async (transaction) => {
    const remaining = await transaction.slide.findMany({ where: { deckId: deck.id, id: { not: slide.id } }, orderBy: { position: "asc" }, select: { id: true } });
    if (remaining.length === 0) throw new AppError("BAD_REQUEST", "A deck needs at least 1 slide: delete the deck instead");
    const imageFiles = await deleteImageRows(transaction, SLIDE_IMAGE_OWNER, [slide.id]);
    await transaction.slide.delete({ where: { id: slide.id } });
    await renumber(transaction, remaining);
    await transaction.slideDeck.update({ where: { id: deck.id }, data: { updatedAt: new Date() } });
    return imageFiles;
  });
  await services.images.remove(files);
}

/** Moves a slide to `position` (0-based, clamped to the deck); the slides between shift by one. */
export async function moveSlide(services: SlidesServices, deck: Deck, input: { slideId: string; position: number }): Promise<void> {
  const slide = await findSlide(services.db, deck.id, input.slideId);
  await services.db.$transaction(async (transaction) => {
    const slides = await transaction.slide.findMany({ where: { deckId: deck.id }, orderBy: { position: "asc" }, select: { id: true } });
    const order = slides.filter((other) => other.id !== slide.id);
    order.splice(Math.min(input.position, order.length), 0, { id: slide.id });
    await renumber(transaction, order);
    await transaction.slideDeck.update({ where: { id: deck.id }, data: { updatedAt: new Date() } });
  });
}

/** Positions 0..n-1 in the given order (position is not unique, so one pass is enough). */
async function renumber(transaction: Prisma.TransactionClient, order: readonly { id: string }[]): Promise<void> {
  for (const [position, slide] of order.entries()) await transaction.slide.update({ where: { id: slide.id }, data: { position } });
}

// What a member does to a deck after creating it: edit a slide, render one slide again (new
// version, earlier ones kept), pick the version shown, retry the slides that failed, cancel.
import { AppError, notFound } from "@/server/errors";
import { ACTIVE_RUN_STATUSES, TERMINAL_TASK_STATUSES } from "@/server/generation/types";
import type { Database } from "@/server/db";
import { startDeckRun, STILL_GENERATING, type SlidesServices } from "./decks";
import { imageTaskKey, promptTaskKey, SLIDE_IMAGE_OWNER, slideIdOfTaskKey, slideTasks } from "./slides-pipeline";

export async function findSlide(db: Database, deckId: string, slideId: string) {
  const slide = await db.slide.findFirst({ where: { id: slideId, deckId } });
  if (!slide) throw notFound("Slide");
  return slide;
}

/**
 * CONFLICT while the deck's active run still has work for this slide (waiting its turn or being
 * rendered): the render reads the slide's words and prompt when it starts, so a change now would
 * be half taken. Slides the run has finished with, or that are not in it, can change at any time.
 */
export async function assertSlideNotRendering(
  services: SlidesServices,
  deck: { lastRunId: string | null },
  slide: { id: string },
  doing: string,
): Promise<void> {
  if (!deck.lastRunId) return;
  const run = await services.engine.getRun(deck.lastRunId);
  if (!run || !ACTIVE_RUN_STATUSES.has(run.status)) return;
  const keys = new Set([promptTaskKey(slide.id), imageTaskKey(slide.id)]);
  if (run.tasks.some((task) => keys.has(task.key) && !TERMINAL_TASK_STATUSES.has(task.status))) {
    throw new AppError("CONFLICT", `This slide is waiting to render or rendering right now, so it cannot be ${doing}. Try again once its image is done, or cancel the run.`);
  }
}

/**
 * Saves a slide's title, text or prompt. A prompt the text model wrote is cleared when the title
 * or text changes without a new prompt, so the next render writes it from the new words.
 */
export async function updateSlide(
  services: SlidesServices,
  deck: { id: string; lastRunId: string | null },
  input: { slideId: string; title?: string; text?: string; imagePrompt?: string },
) {
  const slide = await findSlide(services.db, deck.id, input.slideId);
  await assertSlideNotRendering(services, deck, slide, "edited");
  const wordsChanged = (input.title !== undefined && input.title !== slide.title) || (input.text !== undefined && input.text !== slide.text);
  const prompt =
    input.imagePrompt !== undefined
      ? { imagePrompt: input.imagePrompt, promptWritten: false }
      : wordsChanged && slide.promptWritten
        ? { imagePrompt: "", promptWritten: false }
        : {};
  await services.db.slide.update({
    where: { id: slide.id },
    data: {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...prompt,
    },
  });
  await services.db.slideDeck.update({ where: { id: deck.id }, data: { updatedAt: new Date() } });
}

/** Refuses while the deck's last run is queued or running (before any change is saved). */
async function assertDeckIdle(services: SlidesServices, deck: { lastRunId: string | null }): Promise<void> {
  if (!deck.lastRunId) return;
  const status = (await services.engine.runStatuses([deck.lastRunId])).get(deck.lastRunId);
  if (status && ACTIVE_RUN_STATUSES.has(status)) throw new AppError("CONFLICT", STILL_GENERATING);
}

/** Renders one slide again (with an edited prompt when given); the image becomes a new version. */
export async function regenerateSlide(
  services: SlidesServices,
  userId: string,
  deck: { id: string; lastRunId: string | null },
  input: { slideId: string; imagePrompt?: string },
): Promise<{ runId: string }> {
  let slide = await findSlide(services.db, deck.id, input.slideId);
  // The edited prompt is kept only when the render can start; the engine still has the last word.
  await assertDeckIdle(services, deck);
  if (input.imagePrompt !== undefined) {
    slide = await services.db.slide.update({ where: { id: slide.id }, data: { imagePrompt: input.imagePrompt, promptWritten: false } });
  }
  return { runId: await startDeckRun(services, userId, deck.id, slideTasks(deck.id, slide)) };
}

export async function setCurrentSlideImage(services: SlidesServices, deck: { id: string }, input: { slideId: string; imageId: string }) {
  const slide = await findSlide(services.db, deck.id, input.slideId);
  const image = await services.db.image.findFirst({ where: { id: input.imageId, ownerKind: SLIDE_IMAGE_OWNER, ownerId: slide.id } });
  if (!image) throw notFound("Image");
  await services.db.slide.update({ where: { id: slide.id }, data: { currentImageId: image.id } });
}

/**
 * Renders again only the slides that did not succeed: the last run's failed, skipped or cancelled
 * tasks go back in line in that same run; when it has none, slides still without an image get a
 * new run. Returns how many slides were retried (0 when none needed it).
 */
export async function retryFailedSlides(
  services: SlidesServices,
  userId: string,
  deck: { id: string; lastRunId: string | null },
): Promise<{ runId: string | null; slides: number }> {
  if (!deck.lastRunId) throw new AppError("BAD_REQUEST", "This deck has not run yet");
  const last = await services.engine.getRun(deck.lastRunId);
  if (last && ACTIVE_RUN_STATUSES.has(last.status)) {
    throw new AppError("CONFLICT", "This deck is still generating. Retry failed slides once the run has ended.");
  }
  const unfinished = (last?.tasks ?? []).filter((task) => task.status !== "succeeded");
  if (unfinished.length > 0) {
    await services.engine.retryFailed(deck.lastRunId);
    const slideIds = new Set(unfinished.map((task) => slideIdOfTaskKey(task.key)).filter((id) => id !== null));
    return { runId: deck.lastRunId, slides: slideIds.size };
  }
  const missing = await services.db.slide.findMany({ where: { deckId: deck.id, currentImageId: null }, orderBy: { position: "asc" } });
  if (missing.length === 0) return { runId: null, slides: 0 };
  const runId = await startDeckRun(
    services,
    userId,
    deck.id,
    missing.flatMap((slide) => slideTasks(deck.id, slide)),
  );
  return { runId, slides: missing.length };
}

export async function cancelDeckRun(services: SlidesServices, deck: { lastRunId: string | null }): Promise<void> {
  if (deck.lastRunId) await services.engine.cancelRun(deck.lastRunId);
}

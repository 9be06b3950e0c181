// The deck operations as a signed-in member calls them: each one finds the deck through the
// membership check first, so a non-member gets NOT_FOUND from every one, exactly as for a missing deck.
import { deckView } from "./deck-view";
import { deleteDeck, findDeck, type SlidesServices } from "./decks";
import type { ExportFormat } from "./exports/deck-export-data";
import { exportDeck } from "./exports/export-deck";
import { addSlide, moveSlide, removeSlide } from "./slide-arrangement";
import { cancelDeckRun, regenerateSlide, retryFailedSlides, setCurrentSlideImage, updateSlide } from "./slide-actions";

export async function getDeck(services: SlidesServices, userId: string, deckId: string) {
  return deckView(services, await findDeck(services.db, userId, deckId));
}

export async function updateDeckSlide(
  services: SlidesServices,
  userId: string,
  input: { deckId: string; slideId: string; title?: string; text?: string; imagePrompt?: string },
) {
  await updateSlide(services, await findDeck(services.db, userId, input.deckId), input);
}

export async function addDeckSlide(
  services: SlidesServices,
  userId: string,
  input: { deckId: string; title: string; text: string; imagePrompt: string; position?: number },
) {
  return addSlide(services, await findDeck(services.db, userId, input.deckId), input);
}

export async function removeDeckSlide(services: SlidesServices, userId: string, input: { deckId: string; slideId: string }) {
  await removeSlide(services, await findDeck(services.db, userId, input.deckId), input);
}

export async function moveDeckSlide(services: SlidesServices, userId: string, input: { deckId: string; slideId: string; position: number }) {
  await moveSlide(services, await findDeck(services.db, userId, input.deckId), input);
}

export async function regenerateDeckSlide(services: SlidesServices, userId: string, input: { deckId: string; slideId: string; imagePrompt?: string }) {
  return regenerateSlide(services, userId, await findDeck(services.db, userId, input.deckId), input);
}

export async function setDeckSlideImage(services: SlidesServices, userId: string, input: { deckId: string; slideId: string; imageId: string }) {
  await setCurrentSlideImage(services, await findDeck(services.db, userId, input.deckId), input);
}

export async function retryFailedDeckSlides(services: SlidesServices, userId: string, deckId: string) {
  return retryFailedSlides(services, userId, await findDeck(services.db, userId, deckId));
}

export async function cancelDeck(services: SlidesServices, userId: string, deckId: string) {
  await cancelDeckRun(services, await findDeck(services.db, userId, deckId));
}

export async function removeDeck(services: SlidesServices, userId: string, deckId: string) {
  await deleteDeck(services, await findDeck(services.db, userId, deckId));
}

export async function exportMemberDeck(services: Pick<SlidesServices, "db" | "images">, userId: string, deckId: string, format: ExportFormat) {
  return exportDeck(services, await findDeck(services.db, userId, deckId), format);
}

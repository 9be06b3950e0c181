// The batch API's decks: a request in the original service's fields becomes a deck of the team
// whose key sent it; its status is the deck view with URLs a script can fetch with the same key.
// Another team's deck answers exactly like a missing one.
import { notFound } from "@/server/errors";
import type { ImageStore } from "@/server/storage/image-store";
import type { Database } from "@/server/db";
import type { ApiKeyPrincipal } from "./api-keys";
import type { CreateDeckRequest, DeckStatusBody } from "./batch-schemas";
import { createDeckInput } from "./deck-input";
import { deckView, queuePositionOf } from "./deck-view";
import { createDeck, findTeamDeck, type SlidesServices } from "./decks";
import { SLIDE_IMAGE_OWNER } from "./slides-pipeline";

const DERIVED_TITLE_LENGTH = 80;

/** A title from a slide's first words: its first line, cut at a word boundary. */
export function titleFrom(text: string): string {
  const firstLine = text.trim().split("\n")[0]!.replace(/\s+/g, " ").trim();
  if (firstLine.length <= DERIVED_TITLE_LENGTH) return firstLine;
  const cut = firstLine.slice(0, DERIVED_TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

/** The deck a batch request describes. A slide given as a string is its text and its image prompt. */
export function deckFromRequest(request: CreateDeckRequest) {
  const slides = request.slides.map((slide) => {
    if (typeof slide === "string") return { title: titleFrom(slide), text: slide, imagePrompt: slide };
    const text = slide.text ?? "";
    return { title: slide.title || titleFrom(text || slide.image_prompt || ""), text, imagePrompt: slide.image_prompt ?? "" };
  });
  return createDeckInput.parse({
    title: request.title ?? "Untitled deck",
    slides,
    stylePreset: "custom",
    styleText: request.style_prompt,
    aspectRatio: request.aspect_ratio,
    quality: request.quality,
    maxWorkers: request.max_workers,
  });
}

export interface DeckLinks {
  status: string;
  events: string;
  export: { pptx: string; pdf: string; zip: string };
  /** The URL of slide `position`'s image (a given version). */
  image(position: number, version: number, variant?: "thumbnail"): string;
}

/** The batch API's URLs of a deck, absolute on the origin the request came to. */
export function deckLinks(origin: string, deckId: string): DeckLinks {
  const base = `${origin}/api/v1/decks/${encodeURIComponent(deckId)}`;
  return {
    status: base,
    events: `${base}/events`,
    export: { pptx: `${base}/export?format=pptx`, pdf: `${base}/export?format=pdf`, zip: `${base}/export?format=zip` },
    image: (position, version, variant) => `${base}/slides/${position}/image?version=${version}${variant ? `&variant=${variant}` : ""}`,
  };
}

export async function createBatchDeck(services: SlidesServices, principal: ApiKeyPrincipal, request: CreateDeckRequest, origin: string) {
  const { deckId, runId } = await createDeck(services, { userId: principal.createdById, teamId: principal.teamId }, deckFromRequest(request));
  const [deck, run] = await Promise.all([services.db.slideDeck.findUniqueOrThrow({ where: { id: deckId } }), services.engine.getRun(runId)]);
  const links = deckLinks(origin, deckId);
  return {
    id: deckId,
    status: run?.status ?? "queued",
    queue_position: run ? await queuePositionOf(services, run) : null,
    max_workers: deck.maxWorkers,
    status_url: links.status,
    events_url: links.events,
  };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export async function batchDeckStatus(services: SlidesServices, teamId: string, deckId: string, origin: string): Promise<DeckStatusBody> {
  const view = await deckView(services, await findTeamDeck(services.db, teamId, deckId));
  const links = deckLinks(origin, deckId);
  return {
    id: view.id,
    title: view.title,
    status: view.status,
    queue_position: view.run?.queuePosition ?? null,
    style_prompt: view.stylePrompt,
    aspect_ratio: view.aspectRatio,
    quality: view.quality,
    max_workers: view.maxWorkers,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
    run: view.run
      ? {
          id: view.run.id,
          status: view.run.status,
          counts: view.run.counts,
          queued_at: view.run.queuedAt.toISOString(),
          started_at: iso(view.run.startedAt),
          ended_at: iso(view.run.endedAt),
        }
      : null,
    slides: view.slides.map((slide) => {
      const image = slide.images.find((candidate) => candidate.id === slide.currentImageId);
      return {
        position: slide.position,
        title: slide.title,
        text: slide.text,
        image_prompt: slide.imagePrompt,
        status: slide.status,
        error: slide.error,
        image: image
          ? {
              url: links.image(slide.position, image.version),
              thumbnail_url: links.image(slide.position, image.version, "thumbnail"),
              version: image.version,
              width: image.width,
              height: image.height,
              parameters: {
                provider: image.provider,
                model: image.model,
                size: image.size,
                quality: image.quality,
                style: image.style,
                prompt: image.prompt,
                negative_prompt: image.negativePrompt,
                revised_prompt: image.revisedPrompt,
                seed: image.seed,
              },
            }
          : null,
      };
    }),
    links: { status: links.status, events: links.events, export: links.export },
  };
}

/** The file of slide `position`'s image (the given version, or the current one) of a team's deck. */
export async function teamSlideImageFile(
  services: { db: Database; images: ImageStore },
  teamId: string,
  input: { deckId: string; position: number; version: number | null; variant: "original" | "thumbnail" },
): Promise<{ file: string; contentType: string; version: number }> {
  const deck = await findTeamDeck(services.db, teamId, input.deckId);
  if (!Number.isInteger(input.position) || input.position < 1) throw notFound("Slide");
  const slide = await services.db.slide.findFirst({ where: { deckId: deck.id }, orderBy: { position: "asc" }, skip: input.position - 1 });
  if (!slide) throw notFound("Slide");
  const image =
    input.version === null
      ? slide.currentImageId
        ? await services.db.image.findUnique({ where: { id: slide.currentImageId } })
        : null
      : await services.db.image.findUnique({ where: { ownerKind_ownerId_version: { ownerKind: SLIDE_IMAGE_OWNER, ownerId: slide.id, version: input.version } } });
  if (!image || image.teamId !== teamId) throw notFound("Image");
  return input.variant === "thumbnail"
    ? { file: image.thumbnailFile, contentType: "image/webp", version: image.version }
    : { file: image.file, contentType: "image/png", version: image.version };
}

// Slide decks: create (from the form, an outline or the batch API) and start rendering, list,
// delete. Access is by membership of the deck's team; anyone else is told the deck does not exist.
import crypto from "node:crypto";
import type { z } from "zod";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { deleteImageRows } from "@/server/features/images/images";
import { isTeamMember } from "@/server/features/teams/membership";
import type { Engine } from "@/server/generation/engine";
import { clampWorkers } from "@/server/generation/engine-settings";
import { ACTIVE_RUN_STATUSES, type RunStatus, type TaskSpec } from "@/server/generation/types";
import type { ImageStore } from "@/server/storage/image-store";
import { createDeckInput, MAX_DECK_TITLE, slideList, stylePromptOf, type createFromOutlineInput } from "./deck-input";
import { parseOutline } from "./outline";
import { SLIDE_IMAGE_OWNER, SLIDES_RUN_KIND, slideTasks } from "./slides-pipeline";

export interface SlidesServices {
  db: Database;
  engine: Engine;
  images: ImageStore;
}

export interface Actor {
  userId: string;
  teamId: string;
}

export type CreateDeck = z.output<typeof createDeckInput>;
export type DeckStatus = "draft" | RunStatus;

/** Decks of one team generating or waiting at once; more is TOO_MANY_REQUESTS until one ends. */
export const MAX_ACTIVE_DECKS_PER_TEAM = 20;
export const STILL_GENERATING = "This deck is still generating. Wait for the run to end or cancel it first.";

/** The deck, if the user is a member of its team; NOT_FOUND otherwise. */
export async function findDeck(db: Database, userId: string, deckId: string) {
  const deck = await db.slideDeck.findUnique({ where: { id: deckId } });
  // Another team's deck answers exactly like a missing one.
  if (!deck || !(await isTeamMember(db, userId, deck.teamId))) throw notFound("Deck");
  return deck;
}

/** The deck, if it belongs to the team (the batch API's check: the key is the team's). */
export async function findTeamDeck(db: Database, teamId: string, deckId: string) {
  const deck = await db.slideDeck.findUnique({ where: { id: deckId } });
  if (!deck || deck.teamId !== teamId) throw notFound("Deck");
  return deck;
}

/** The runs of the given decks that are queued or running, by deck id. */
export async function activeDeckRuns(
  services: Pick<SlidesServices, "engine">,
  decks: readonly { id: string; lastRunId: string | null }[],
): Promise<Map<string, { runId: string; status: RunStatus }>> {
  const withRuns = decks.filter((deck): deck is { id: string; lastRunId: string } => deck.lastRunId !== null);
  const active = new Map<string, { runId: string; status: RunStatus }>();
  // In chunks: one query per chunk, whatever the number of decks.
  for (let start = 0; start < withRuns.length; start += 500) {
    const chunk = withRuns.slice(start, start + 500);
    const statuses = await services.engine.runStatuses(chunk.map((deck) => deck.lastRunId));
    for (const deck of chunk) {
      const status = statuses.get(deck.lastRunId);
      if (status && ACTIVE_RUN_STATUSES.has(status)) active.set(deck.id, { runId: deck.lastRunId, status });
    }
  }
  return active;
}

async function assertTeamMayStartDeck(services: SlidesServices, teamId: string): Promise<void> {
  const decks = await services.db.slideDeck.findMany({ where: { teamId, lastRunId: { not: null } }, select: { id: true, lastRunId: true } });
  const active = await activeDeckRuns(services, decks);
  if (active.size >= MAX_ACTIVE_DECKS_PER_TEAM) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `Your team already has ${active.size} decks generating or waiting, the most at once (${MAX_ACTIVE_DECKS_PER_TEAM}). Start this one when one of them has ended.`,
    );
  }
}

/** Stores the deck and its slides and starts rendering every slide. */
export async function createDeck(services: SlidesServices, actor: Actor, input: CreateDeck): Promise<{ deckId: string; runId: string }> {
  await assertTeamMayStartDeck(services, actor.teamId);
  const deckId = crypto.randomUUID();
  const slides = input.slides.map((slide, position) => ({ id: crypto.randomUUID(), deckId, position, ...slide }));
  await services.db.slideDeck.create({
    data: {
      id: deckId,
      teamId: actor.teamId,
      ownerId: actor.userId,
      title: input.title,
      stylePreset: input.stylePreset,
      stylePrompt: stylePromptOf(input.stylePreset, input.styleText),
      aspectRatio: input.aspectRatio,
      quality: input.quality,
      maxWorkers: clampWorkers(input.maxWorkers, services.engine.settings),
      slides: { createMany: { data: slides.map(({ deckId: _deckId, ...slide }) => slide) } },
    },
  });
  const runId = await startDeckRun(
    services,
    actor.userId,
    deckId,
    slides.flatMap((slide) => slideTasks(deckId, slide)),
  );
  return { deckId, runId };
}

/** The slides of an outline (each heading a slide), checked against the deck's limits. */
export function slidesFromOutline(outline: string) {
  const parsed = parseOutline(outline);
  if (parsed.slides.length === 0) {
    throw new AppError("BAD_REQUEST", "The outline has no slides: start each slide with a heading (# Title) or a line at the left margin", {
      field: "outline",
    });
  }
  const slides = slideList.safeParse(parsed.slides);
  if (!slides.success) {
    const issue = slides.error.issues[0]!;
    const slideNumber = typeof issue.path[0] === "number" ? `Slide ${issue.path[0] + 1}: ` : "";
    throw new AppError("BAD_REQUEST", `${slideNumber}${issue.message}`, { field: "outline" });
  }
  return { slides: slides.data, suggestedTitle: parsed.suggestedTitle, warnings: parsed.warnings };
}

/** What creating a deck from the outline would make, or the limit it breaks; nothing is stored. */
export function previewOutline(outline: string) {
  try {
    return { ...slidesFromOutline(outline), problem: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const parsed = parseOutline(outline);
    return { slides: parsed.slides, suggestedTitle: parsed.suggestedTitle, warnings: parsed.warnings, problem: error.message };
  }
}

/** Parses the outline and creates the deck; limits are checked as for the form. */
export async function createDeckFromOutline(
  services: SlidesServices,
  actor: Actor,
  input: z.output<typeof createFromOutlineInput>,
): Promise<{ deckId: string; runId: string; slideCount: number; warnings: string[] }> {
  const { outline, title, ...settings } = input;
  const parsed = slidesFromOutline(outline);
  const deckTitle = (title ?? parsed.suggestedTitle ?? "Untitled deck").slice(0, MAX_DECK_TITLE);
  const deck = createDeckInput.parse({ ...settings, title: deckTitle, slides: parsed.slides });
  const created = await createDeck(services, actor, deck);
  return { ...created, slideCount: deck.slides.length, warnings: parsed.warnings };
}

/** Submits a run of the deck; the engine refuses a second active run of the same deck. */
export async function startDeckRun(services: SlidesServices, userId: string, deckId: string, tasks: TaskSpec[]): Promise<string> {
  const deck = await services.db.slideDeck.findUniqueOrThrow({ where: { id: deckId } });
  const runId = await services.engine.submitRun({
    kind: SLIDES_RUN_KIND,
    teamId: deck.teamId,
    ownerId: userId,
    subjectId: deckId,
    exclusiveSubject: { conflictMessage: STILL_GENERATING },
    maxWorkers: deck.maxWorkers,
    tasks,
  });
  await services.db.slideDeck.update({ where: { id: deckId }, data: { lastRunId: runId } });
  return runId;
}

/** The status of each deck: its last run's, or draft before any run. */
export async function deckStatuses(services: Pick<SlidesServices, "engine">, decks: readonly { id: string; lastRunId: string | null }[]) {
  const runIds = decks.flatMap((deck) => (deck.lastRunId ? [deck.lastRunId] : []));
  const statusOf = runIds.length ? await services.engine.runStatuses(runIds) : new Map<string, RunStatus>();
  return new Map(decks.map((deck) => [deck.id, (deck.lastRunId ? statusOf.get(deck.lastRunId) : undefined) ?? ("draft" as DeckStatus)]));
}

export async function listDecks(services: SlidesServices, teamId: string) {
  const decks = await services.db.slideDeck.findMany({
    where: { teamId },
    orderBy: { updatedAt: "desc" },
    include: {
      _count: { select: { slides: true } },
      slides: { where: { currentImageId: { not: null } }, orderBy: { position: "asc" }, take: 1, select: { currentImageId: true } },
    },
  });
  const statuses = await deckStatuses(services, decks);
  return decks.map((deck) => ({
    id: deck.id,
    title: deck.title,
    slideCount: deck._count.slides,
    aspectRatio: deck.aspectRatio,
    status: statuses.get(deck.id) ?? ("draft" as DeckStatus),
    coverImageId: deck.slides[0]?.currentImageId ?? null,
    updatedAt: deck.updatedAt,
  }));
}

/** Deletes the deck, its slides, and their images (rows and files); its run is cancelled first. */
export async function deleteDeck(services: SlidesServices, deck: { id: string; lastRunId: string | null }): Promise<void> {
  if (deck.lastRunId) await services.engine.cancelRun(deck.lastRunId);
  // One transaction: a render finishing meanwhile either committed before (its image is deleted
  // here) or fails afterwards on its missing slide (and removes its own files). The deck goes
  // first: on PostgreSQL that waits for a render holding its row, and the images are read after.
  const files = await services.db.$transaction(async (tx) => {
    const slides = await tx.slide.findMany({ where: { deckId: deck.id }, select: { id: true } });
    await tx.slideDeck.delete({ where: { id: deck.id } });
    return deleteImageRows(
      tx,
      SLIDE_IMAGE_OWNER,
      slides.map((slide) => slide.id),
    );
  });
  await services.images.remove(files);
}

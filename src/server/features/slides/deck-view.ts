// A deck as its pages and the batch API read it: settings, the last run with its place in line,
// and every slide with its state in that run and its images (every version).
import type { Image } from "@/generated/prisma/client";
import { imagesByOwner, parametersOf, type ImageParameters } from "@/server/features/images/images";
import type { RunCounts, RunDetails, RunStatus, TaskDetails, TaskStatus } from "@/server/generation/types";
import type { DeckStatus, SlidesServices } from "./decks";
import { imageTaskKey, promptTaskKey, SLIDE_IMAGE_OWNER } from "./slides-pipeline";

/**
 * A slide's state in the deck's last run: idle (not in it, no image yet), queued, running,
 * succeeded (also: not in the run but has an image), failed, cancelled, skipped.
 */
export const SLIDE_STATUSES = ["idle", "queued", "running", "succeeded", "failed", "cancelled", "skipped"] as const;
export type SlideStatus = (typeof SLIDE_STATUSES)[number];

export interface SlideImageView extends ImageParameters {
  id: string;
  version: number;
  width: number;
  height: number;
  attempts: number;
  durationMs: number;
  createdAt: Date;
}

export interface SlideView {
  id: string;
  /** 1-based, as people count slides. */
  position: number;
  title: string;
  text: string;
  imagePrompt: string;
  /** True when the text model wrote the prompt (it is written again after the text changes). */
  promptWritten: boolean;
  status: SlideStatus;
  /** Which task the status is about: the prompt while it is being written, else the image. */
  step: "prompt" | "image" | null;
  error: string | null;
  attempts: number;
  currentImageId: string | null;
  images: SlideImageView[];
}

export interface DeckRunView {
  id: string;
  status: RunStatus;
  /** 1 = next to start; null unless the run waits for a free slot. */
  queuePosition: number | null;
  maxWorkers: number;
  counts: RunCounts;
  queuedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface DeckView {
  id: string;
  teamId: string;
  title: string;
  stylePreset: string;
  stylePrompt: string;
  aspectRatio: string;
  quality: string;
  maxWorkers: number;
  status: DeckStatus;
  createdAt: Date;
  updatedAt: Date;
  run: DeckRunView | null;
  slides: SlideView[];
}

const statusOfTask = (status: TaskStatus): SlideStatus => (status === "retrying" ? "running" : status);

function slideState(tasks: Map<string, TaskDetails>, slide: { id: string; currentImageId: string | null }) {
  const prompt = tasks.get(promptTaskKey(slide.id));
  const image = tasks.get(imageTaskKey(slide.id));
  const current = prompt && prompt.status !== "succeeded" ? { task: prompt, step: "prompt" as const } : image ? { task: image, step: "image" as const } : null;
  if (!current) return { status: (slide.currentImageId ? "succeeded" : "idle") as SlideStatus, step: null, error: null, attempts: 0 };
  return { status: statusOfTask(current.task.status), step: current.step, error: current.task.lastError, attempts: current.task.attempts };
}

/** The run's place in line, from its latest queue-position event; null unless it is waiting. */
export async function queuePositionOf(services: Pick<SlidesServices, "engine">, run: Pick<RunDetails, "id" | "status">): Promise<number | null> {
  if (run.status !== "queued") return null;
  const events = await services.engine.eventsAfter(run.id, 0);
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]!;
    if (event.type === "queue-position") return event.payload.position;
    // Positions announced before the run last started belong to an earlier wait.
    if (event.type === "run-start" || event.type === "run-end") return null;
  }
  return null;
}

export function imageView(image: Image): SlideImageView {
  return {
    id: image.id,
    version: image.version,
    width: image.width,
    height: image.height,
    ...parametersOf(image),
    attempts: image.attempts,
    durationMs: image.durationMs,
    createdAt: image.createdAt,
  };
}

/** The deck as seen by a member (the caller has checked access). */
export async function deckView(
  services: SlidesServices,
  deck: {
    id: string;
    teamId: string;
    title: string;
    stylePreset: string;
    stylePrompt: string;
    aspectRatio: string;
    quality: string;
    maxWorkers: number;
    lastRunId: string | null;
    createdAt: Date;
    updatedAt: Date;
  },
): Promise<DeckView> {
  const [slides, run] = await Promise.all([
    services.db.slide.findMany({ where: { deckId: deck.id }, orderBy: { position: "asc" } }),
    deck.lastRunId ? services.engine.getRun(deck.lastRunId) : null,
  ]);
  const images = await imagesByOwner(
    services.db,
    SLIDE_IMAGE_OWNER,
    slides.map((slide) => slide.id),
  );
  const tasks = new Map((run?.tasks ?? []).map((task) => [task.key, task]));
  return {
    id: deck.id,
    teamId: deck.teamId,
    title: deck.title,
    stylePreset: deck.stylePreset,
    stylePrompt: deck.stylePrompt,
    aspectRatio: deck.aspectRatio,
    quality: deck.quality,
    maxWorkers: deck.maxWorkers,
    status: run?.status ?? "draft",
    createdAt: deck.createdAt,
    updatedAt: deck.updatedAt,
    run: run
      ? {
          id: run.id,
          status: run.status,
          queuePosition: await queuePositionOf(services, run),
          maxWorkers: run.settings.maxWorkers,
          counts: run.counts,
          queuedAt: run.queuedAt,
          startedAt: run.startedAt,
          endedAt: run.endedAt,
        }
      : null,
    slides: slides.map((slide, index) => ({
      id: slide.id,
      position: index + 1,
      title: slide.title,
      text: slide.text,
      imagePrompt: slide.imagePrompt,
      promptWritten: slide.promptWritten,
      ...slideState(tasks, slide),
      currentImageId: slide.currentImageId,
      images: (images.get(slide.id) ?? []).map(imageView),
    })),
  };
}

// The batch API's request and response bodies (snake_case, like the service it replaces). The
// route handlers validate with these and the OpenAPI document is generated from them, so the two
// cannot drift apart.
import { z } from "zod";
import { APP_ERROR_CODES } from "@/server/errors";
import { RUN_STATUSES } from "@/server/generation/types";
import {
  DECK_ASPECT_RATIOS,
  DECK_QUALITIES,
  deckTitle,
  imagePrompt,
  MAX_SLIDE_TEXT,
  MAX_SLIDES,
  MAX_STYLE_TEXT,
  requestedWorkers,
  slideText,
  slideTitle,
} from "./deck-input";
import { SLIDE_STATUSES } from "./deck-view";

export const batchSlide = z.union([
  z
    .string()
    .trim()
    .min(1, "A slide cannot be empty")
    .max(MAX_SLIDE_TEXT, `A slide has at most ${MAX_SLIDE_TEXT.toLocaleString("en")} characters`)
    .describe("The slide's text, also used as its image prompt; its title is taken from its first words"),
  z
    .object({
      title: slideTitle.optional().describe("Taken from the text when absent"),
      text: slideText.optional(),
      image_prompt: imagePrompt.optional().describe("When absent or empty, the text model writes one from the title and text"),
    })
    .refine((slide) => Boolean(slide.title || slide.text || slide.image_prompt), "A slide needs a title, a text or an image_prompt"),
]);

export const createDeckRequest = z
  .object({
    slides: z
      .array(batchSlide, { error: (issue) => (issue.input === undefined ? "slides is required: a list of slides" : "slides must be a list") })
      .min(1, "A deck needs at least 1 slide").max(MAX_SLIDES, `A deck has at most ${MAX_SLIDES} slides`),
    style_prompt: z
      .string({ error: (issue) => (issue.input === undefined ? "style_prompt is required: the style every slide shares" : "style_prompt must be a string") })
      .trim()
      .min(1, "style_prompt is required: the style every slide shares")
      .max(MAX_STYLE_TEXT, `style_prompt has at most ${MAX_STYLE_TEXT.toLocaleString("en")} characters`),
    max_workers: requestedWorkers.optional().describe("Clamped to the server's BATCH_MAX_WORKERS; absent means BATCH_DEFAULT_WORKERS"),
    aspect_ratio: z.enum(DECK_ASPECT_RATIOS).default("16:9"),
    title: deckTitle.optional(),
    quality: z.enum(DECK_QUALITIES).default("standard"),
  })
  .describe("A deck to render: one image per slide, every slide in the same style");
export type CreateDeckRequest = z.output<typeof createDeckRequest>;

const deckStatus = z.enum(["draft", ...RUN_STATUSES]);

export const deckAccepted = z.object({
  id: z.string(),
  status: deckStatus,
  /** 1 = next to start; null when it started at once. */
  queue_position: z.number().nullable(),
  max_workers: z.number().describe("The workers the deck runs with, after clamping"),
  status_url: z.string(),
  events_url: z.string(),
});

const imageParameters = z.object({
  provider: z.string(),
  model: z.string(),
  size: z.string(),
  quality: z.string().nullable(),
  style: z.string().nullable(),
  prompt: z.string(),
  negative_prompt: z.string().nullable(),
  revised_prompt: z.string().nullable(),
  seed: z.number().nullable(),
});

export const deckStatusBody = z.object({
  id: z.string(),
  title: z.string(),
  status: deckStatus,
  queue_position: z.number().nullable(),
  style_prompt: z.string(),
  aspect_ratio: z.string(),
  quality: z.string(),
  max_workers: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  run: z
    .object({
      id: z.string(),
      status: z.enum(RUN_STATUSES),
      counts: z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number(), cancelled: z.number() }),
      queued_at: z.string(),
      started_at: z.string().nullable(),
      ended_at: z.string().nullable(),
    })
    .nullable(),
  slides: z.array(
    z.object({
      position: z.number(),
      title: z.string(),
      text: z.string(),
      image_prompt: z.string(),
      status: z.enum(SLIDE_STATUSES),
      error: z.string().nullable(),
      image: z
        .object({
          url: z.string().describe("Fetch with the same API key"),
          thumbnail_url: z.string(),
          version: z.number(),
          width: z.number(),
          height: z.number(),
          parameters: imageParameters,
        })
        .nullable(),
    }),
  ),
  links: z.object({
    status: z.string(),
    events: z.string(),
    export: z.object({ pptx: z.string(), pdf: z.string(), zip: z.string() }),
  }),
});
export type DeckStatusBody = z.infer<typeof deckStatusBody>;

export const apiErrorBody = z.object({
  error: z.object({
    code: z.enum(APP_ERROR_CODES),
    message: z.string(),
    /** For BAD_REQUEST: the first problem of each field, by its path ("slides.3.title"). */
    details: z.record(z.string(), z.string()).optional(),
  }),
});

// Operator endpoints.

const measurement = z.object({
  name: z.string(),
  identity: z.string().describe('The provider model the budget calls ("provider:model")'),
  cap: z.number(),
  window: z.number().describe("Calls in flight the engine allows the provider now"),
  in_flight: z.number(),
  rate_per_second: z.number().nullable().describe("The rate the engine paces to, learned from the provider; null while it steers by window"),
  latency_seconds: z.number().nullable().describe("The measured round trip of one call"),
  limit_seen: z.number().nullable().describe("The window at the provider's last 429; null when it never refused"),
});
const limits = z.object({ max_slides: z.number(), default_workers: z.number(), max_workers: z.number(), max_concurrent_runs: z.number() });

export const activeBody = z.object({
  decks: z.object({ generating: z.number(), waiting: z.number() }),
  runs: z.object({ active: z.number(), waiting: z.number() }),
  workers_in_use: z.number(),
  budgets: z.array(measurement),
  limits,
});

export const validateRequest = z.object({
  slides: z.number().int("slides must be a whole number").min(1, "At least 1 slide").max(10_000, "At most 10,000 slides"),
  max_workers: requestedWorkers.optional(),
});

export const validateBody = z.object({
  slides: z.number(),
  requested_workers: z.number().nullable(),
  workers: z.number(),
  clamped: z.boolean(),
  over_slide_limit: z.boolean(),
  queue: z.object({ starts_now: z.boolean(), position: z.number().nullable(), runs_active: z.number(), runs_waiting: z.number() }),
  rate_limit: z.object({
    likely: z.boolean().nullable(),
    useful_workers: z.number().nullable(),
    recommended_workers: z.number(),
    basis: z.enum(["measured", "default"]),
  }),
  estimated_seconds: z.number().nullable(),
  warnings: z.array(z.string()),
  measurement,
  limits,
});

export const optimalWorkersQuery = z.object({
  slides: z.coerce.number().int("slides must be a whole number").min(1, "At least 1 slide").max(MAX_SLIDES, `A deck has at most ${MAX_SLIDES} slides`),
});

export const optimalWorkersBody = z.object({
  slides: z.number(),
  workers: z.number(),
  basis: z.enum(["measured", "default"]),
  useful_workers: z.number().nullable(),
  reason: z.string(),
  measurement,
  limits,
});

/** A plain value with its object keys in snake_case, for the operator answers. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`), snakeCaseKeys(entry)]),
  );
}

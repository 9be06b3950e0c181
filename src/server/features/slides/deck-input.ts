// What a user may send about slide decks, validated at the boundary. Every limit is named in its
// message, so a rejected deck says which limit it broke.
import { z } from "zod";

export const MAX_SLIDES = 100;
export const MAX_DECK_TITLE = 200;
export const MAX_SLIDE_TITLE = 200;
export const MAX_SLIDE_TEXT = 4_000;
export const MAX_IMAGE_PROMPT = 2_000;
export const MAX_STYLE_TEXT = 1_000;
export const MAX_OUTLINE_CHARACTERS = 200_000;
/** A request may ask for more workers than the server allows; they are clamped, not refused. */
export const MAX_REQUESTED_WORKERS = 1_000;

export const DECK_ASPECT_RATIOS = ["16:9", "4:3", "1:1", "9:16"] as const;
export type DeckAspectRatio = (typeof DECK_ASPECT_RATIOS)[number];
export const DECK_QUALITIES = ["standard", "hd"] as const;
export type DeckQuality = (typeof DECK_QUALITIES)[number];

export const DECK_STYLE_PRESETS = {
  "flat-corporate": "clean flat vector illustration, corporate palette of navy, teal and white, generous negative space",
  "editorial-photo": "editorial photograph, natural light, shallow depth of field, muted colours",
  watercolor: "soft watercolor illustration, visible paper texture, gentle washes",
  isometric: "isometric 3D illustration, soft shadows, pastel colours, clean geometry",
  blueprint: "technical blueprint style, white line work on deep blue, grid background",
  "bold-minimal": "bold minimal poster art, two or three flat colours, strong shapes, high contrast",
} as const;
export type DeckStylePreset = keyof typeof DECK_STYLE_PRESETS;
export const STYLE_PRESET_NAMES = [...(Object.keys(DECK_STYLE_PRESETS) as DeckStylePreset[]), "custom"] as const;

const id = z.string().min(1).max(100);

export const slideTitle = z
  .string()
  .trim()
  .min(1, "Every slide needs a title")
  .max(MAX_SLIDE_TITLE, `A slide title has at most ${MAX_SLIDE_TITLE} characters`);
export const slideText = z.string().trim().max(MAX_SLIDE_TEXT, `A slide's text has at most ${MAX_SLIDE_TEXT.toLocaleString("en")} characters`);
export const imagePrompt = z
  .string()
  .trim()
  .max(MAX_IMAGE_PROMPT, `An image prompt has at most ${MAX_IMAGE_PROMPT.toLocaleString("en")} characters`);

export const slideInput = z.object({
  title: slideTitle,
  text: slideText.default(""),
  /** Empty: the text model writes it from the title and text before the image is rendered. */
  imagePrompt: imagePrompt.default(""),
});
export type SlideInput = z.input<typeof slideInput>;

export const slideList = z
  .array(slideInput)
  .min(1, "A deck needs at least 1 slide")
  .max(MAX_SLIDES, `A deck has at most ${MAX_SLIDES} slides`);

export const deckTitle = z
  .string()
  .trim()
  .min(1, "Give the deck a title")
  .max(MAX_DECK_TITLE, `A deck title has at most ${MAX_DECK_TITLE} characters`);

export const requestedWorkers = z
  .number()
  .int("Workers must be a whole number")
  .min(1, "At least 1 worker")
  .max(MAX_REQUESTED_WORKERS, `At most ${MAX_REQUESTED_WORKERS} workers may be asked for (the server clamps to its own maximum)`);

/** The deck's settings shared by the form, the outline and the batch API. */
export const deckSettingsInput = z.object({
  stylePreset: z.enum(STYLE_PRESET_NAMES),
  /** Added to the preset, or the whole style with the "custom" preset. */
  styleText: z.string().trim().max(MAX_STYLE_TEXT, `The style has at most ${MAX_STYLE_TEXT.toLocaleString("en")} characters`).optional(),
  aspectRatio: z.enum(DECK_ASPECT_RATIOS),
  quality: z.enum(DECK_QUALITIES),
  /** Clamped to BATCH_MAX_WORKERS; absent means BATCH_DEFAULT_WORKERS; 1 renders one slide at a time. */
  maxWorkers: requestedWorkers.optional(),
});

export const createDeckInput = deckSettingsInput.extend({ title: deckTitle, slides: slideList });
export type CreateDeckInput = z.input<typeof createDeckInput>;

export const outlineText = z
  .string()
  .min(1, "Paste an outline or markdown with one heading per slide")
  .max(MAX_OUTLINE_CHARACTERS, `The outline has at most ${MAX_OUTLINE_CHARACTERS.toLocaleString("en")} characters`);

export const createFromOutlineInput = deckSettingsInput.extend({
  /** When absent, the outline's first heading names the deck. */
  title: deckTitle.optional(),
  outline: outlineText,
});
export type CreateFromOutlineInput = z.input<typeof createFromOutlineInput>;

export const deckInput = z.object({ deckId: id });
export const slideReference = deckInput.extend({ slideId: id });

export const updateSlideInput = slideReference.extend({
  title: slideTitle.optional(),
  text: slideText.optional(),
  /** An empty prompt is written again by the text model at the next render. */
  imagePrompt: imagePrompt.optional(),
});

export const regenerateSlideInput = slideReference.extend({
  /** Saved as the slide's prompt before rendering; absent renders the current prompt again. */
  imagePrompt: imagePrompt.min(1, "The prompt cannot be empty").optional(),
});

export const setCurrentImageInput = slideReference.extend({ imageId: id });

const slidePosition = z.number().int("A position is a whole number").min(0, "Positions start at 0").max(MAX_SLIDES - 1, `A deck has at most ${MAX_SLIDES} slides`);

export const addSlideInput = deckInput.extend({
  ...slideInput.shape,
  /** 0-based place in the deck; at the end when absent. */
  position: slidePosition.optional(),
});

export const moveSlideInput = slideReference.extend({ position: slidePosition });

/** The full style prompt of a preset plus the user's text. */
export function stylePromptOf(preset: (typeof STYLE_PRESET_NAMES)[number], text: string | undefined): string {
  const extra = text?.trim();
  if (preset === "custom") return extra || "clean presentation illustration";
  return extra ? `${DECK_STYLE_PRESETS[preset]}, ${extra}` : DECK_STYLE_PRESETS[preset];
}

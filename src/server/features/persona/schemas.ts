// The objects the persona stages ask a model for, one schema per stage. The same schemas check a
// user's edits and an imported card's fields, so text fields may be empty and an age unknown (an
// imported card often lacks most of them), and the limits leave room for an imported card's long
// texts, while every list and length stays bounded: one runaway answer must not fill the database.
import { z } from "zod";

const text = (maximum: number) => z.string().trim().max(maximum);
const word = (maximum: number) => z.string().trim().min(1).max(maximum);

/** Stage 1: who the persona is. Adults only: a persona may be mature-rated. */
export const coreSchema = z.object({
  name: word(80),
  /** Null only when an imported card does not say. */
  age: z.number().int().min(18).max(120).nullable(),
  pronouns: text(30),
  occupation: text(120),
  location: text(120),
  /** Who they are, in two or three sentences. */
  identity: text(800),
  appearance: text(1000),
  personalityTraits: z.array(word(60)).max(12),
  backstory: text(10_000),
  interests: z.array(word(80)).max(12),
  values: z.array(word(80)).max(8),
  speechStyle: text(600),
  /** Opening messages in the persona's own voice: the first is the card's first_mes. */
  greetings: z.array(word(4000)).max(4),
});

/** Stage 2: how and where the persona posts. */
export const strategySchema = z.object({
  summary: text(800),
  platforms: z.array(z.object({ name: word(40), handle: text(40), why: text(300) })).min(1).max(5),
  topics: z.array(z.object({ name: word(80), angle: text(300) })).min(1).max(10),
  tone: text(300),
  cadence: text(200),
  hashtags: z.array(word(40)).max(15),
  avoid: z.array(word(200)).max(8),
});

/** Stage 3: one example post (each post is its own task). */
export const postSchema = z.object({
  platform: word(40),
  topic: text(80),
  text: word(4000),
  hashtags: z.array(word(40)).max(8),
  /** What a picture with the post would show; empty for a text-only post. */
  imageIdea: text(300),
});

/** Stage 4: the people and communities around the persona. */
export const networkSchema = z.object({
  summary: text(800),
  relationships: z.array(z.object({ name: word(80), relation: word(80), description: text(400) })).max(10),
  communities: z.array(word(120)).max(8),
});

/** Stage 5: what makes the persona read as a real person. */
export const authenticitySchema = z.object({
  quirks: z.array(word(200)).max(8),
  flaws: z.array(word(200)).max(8),
  contradictions: z.array(word(200)).max(6),
  verbalTics: z.array(word(120)).max(8),
});

/** Stage 6: stable appearance details and the avatar's image prompt. */
export const visualSchema = z.object({
  appearance: text(1000),
  features: z.array(word(120)).max(12),
  palette: z.array(word(40)).max(6),
  style: text(200),
  avatarPrompt: word(1500),
  negativePrompt: text(400),
});

/** Stage 7: lorebook entries (the card's character_book). */
export const bookEntrySchema = z.object({
  name: text(80),
  keys: z.array(word(60)).min(1).max(8),
  content: word(4000),
});
/** Generated books have 1 to 20 entries; an imported card's may have more. */
export const bookSchema = z.object({ entries: z.array(bookEntrySchema).max(200) });

export type Core = z.infer<typeof coreSchema>;
export type Strategy = z.infer<typeof strategySchema>;
export type Post = z.infer<typeof postSchema>;
export type Network = z.infer<typeof networkSchema>;
export type Authenticity = z.infer<typeof authenticitySchema>;
export type Visual = z.infer<typeof visualSchema>;
export type BookEntry = z.infer<typeof bookEntrySchema>;
export type Book = z.infer<typeof bookSchema>;

/** The stages whose result is one versioned object per persona (posts are versioned one by one). */
export const STAGE_SCHEMAS = {
  core: coreSchema,
  strategy: strategySchema,
  network: networkSchema,
  authenticity: authenticitySchema,
  visual: visualSchema,
  book: bookSchema,
} as const;
export type ObjectStage = keyof typeof STAGE_SCHEMAS;
export const OBJECT_STAGES = Object.keys(STAGE_SCHEMAS) as ObjectStage[];

export interface StageData {
  core: Core;
  strategy: Strategy;
  network: Network;
  authenticity: Authenticity;
  visual: Visual;
  book: Book;
}

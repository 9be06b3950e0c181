// The objects the story pipeline asks a text model for: stage 1 (story → scenes and characters)
// and stage 2 (scene → image prompt). The limits keep one runaway answer from filling the database
// or an image prompt past what image APIs accept.
import { z } from "zod";

export const MAX_SCENES = 50;

const text = (maximum: number) => z.string().trim().min(1).max(maximum);

export const sceneSchema = z.object({
  title: text(120),
  summary: text(1200),
  setting: text(300),
  mood: text(80),
  charactersPresent: z.array(text(80)).max(20),
});

export const characterSchema = z.object({
  name: text(80),
  description: text(1000),
  visualTraits: z.array(text(120)).max(12),
});

export const storyAnalysisSchema = z.object({
  scenes: z.array(sceneSchema).min(1).max(MAX_SCENES),
  characters: z.array(characterSchema).max(30),
});

export const scenePromptSchema = z.object({
  imagePrompt: text(2000),
  negativePrompt: z.string().trim().max(500),
  styleTags: z.array(text(40)).max(12),
  charactersInScene: z.array(text(80)).max(20),
});

/** A list column (visualTraits, charactersPresent, styleTags, charactersInScene) as read back. */
export const stringList = z.array(z.string());

export type Scene = z.infer<typeof sceneSchema>;
export type Character = z.infer<typeof characterSchema>;
export type StoryAnalysis = z.infer<typeof storyAnalysisSchema>;
export type ScenePrompt = z.infer<typeof scenePromptSchema>;

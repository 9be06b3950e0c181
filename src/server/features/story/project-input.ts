// What a user may send about story projects, validated at the boundary with exact messages.
import { z } from "zod";
import { IMAGE_SIZES } from "@/server/providers/types";
import { MAX_SCENES } from "./schemas";

export const MAX_STORY_CHARACTERS = 100_000;

export const STYLE_PRESETS = {
  cinematic: "cinematic film still, dramatic lighting, shallow depth of field",
  watercolor: "soft watercolor illustration, visible paper texture, gentle washes",
  anime: "anime illustration, clean line art, vibrant cel shading",
  comic: "comic book panel, bold ink outlines, halftone shading",
  storybook: "children's storybook illustration, warm colours, hand-drawn",
} as const;
export type StylePreset = keyof typeof STYLE_PRESETS;

const id = z.string().min(1).max(100);

export const createProjectInput = z.object({
  title: z.string().trim().min(1, "Give the project a title").max(200, "Use at most 200 characters"),
  story: z
    .string()
    .trim()
    .min(1, "Paste the story to illustrate")
    .max(MAX_STORY_CHARACTERS, `The story is too long: at most ${MAX_STORY_CHARACTERS.toLocaleString("en")} characters`),
  /** null lets the analysis choose. */
  sceneCount: z.number().int().min(1, "At least 1 scene").max(MAX_SCENES, `At most ${MAX_SCENES} scenes`).nullable(),
  language: z.string().trim().max(40).optional(),
  stylePreset: z.enum([...(Object.keys(STYLE_PRESETS) as StylePreset[]), "custom"]),
  /** Free text, added to the preset or used alone with the "custom" preset. */
  styleText: z.string().trim().max(300, "Use at most 300 characters").optional(),
  size: z.enum(IMAGE_SIZES),
  quality: z.enum(["standard", "hd"]),
  /** Clamped to BATCH_MAX_WORKERS by the engine; 1 renders one scene at a time. */
  maxWorkers: z.number().int().min(1, "At least 1 worker").max(100).optional(),
  reviewPrompts: z.boolean(),
});
export type CreateProjectInput = z.infer<typeof createProjectInput>;

export const projectInput = z.object({ projectId: id });
export const sceneInput = z.object({ projectId: id, sceneId: id });

export const updateSceneInput = sceneInput.extend({
  imagePrompt: z.string().trim().min(1, "The prompt cannot be empty").max(2000, "Use at most 2,000 characters"),
  negativePrompt: z.string().trim().max(500, "Use at most 500 characters"),
  styleTags: z.array(z.string().trim().min(1).max(40)).max(12, "At most 12 style tags"),
});

export const setCurrentImageInput = sceneInput.extend({ imageId: id });

export const updateCharactersInput = projectInput.extend({
  characters: z
    .array(
      z.object({
        id: id.optional(),
        name: z.string().trim().min(1, "Every character needs a name").max(80),
        description: z.string().trim().max(1000),
        visualTraits: z.array(z.string().trim().min(1).max(120)).max(12),
      }),
    )
    .max(30, "At most 30 characters"),
});

export function styleText(preset: CreateProjectInput["stylePreset"], text: string | undefined): string {
  const extra = text?.trim();
  if (preset === "custom") return extra || "illustration";
  return extra ? `${STYLE_PRESETS[preset]}, ${extra}` : STYLE_PRESETS[preset];
}

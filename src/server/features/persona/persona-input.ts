// What a user may send about personas, validated at the boundary with exact messages.
import { z } from "zod";
import { OBJECT_STAGES, postSchema } from "./schemas";
import { STAGES } from "./stages";

export const MAX_DESCRIPTION_CHARACTERS = 5_000;
export const MAX_BATCH_PERSONAS = 50;

const id = z.string().min(1).max(100);

export const personaOptionsInput = z.object({
  /** Empty or absent lets the model follow the source's language. */
  language: z.string().trim().max(40, "Use at most 40 characters for the language").optional(),
  contentRating: z.enum(["general", "mature"]).default("general"),
  postCount: z.number().int().min(1, "At least 1 post").max(30, "At most 30 posts").default(10),
  lorebookEntryCount: z.number().int().min(1, "At least 1 lorebook entry").max(20, "At most 20 lorebook entries").default(6),
  /** Render an avatar from the visual profile (stage 8). */
  avatar: z.boolean().default(true),
});
export type PersonaOptions = z.infer<typeof personaOptionsInput>;
/** Absent options mean every default (prefault parses {} so the inner defaults apply). */
const options = personaOptionsInput.prefault({});

export const description = z
  .string()
  .trim()
  .min(1, "Describe the persona")
  .max(MAX_DESCRIPTION_CHARACTERS, `The description is too long: at most ${MAX_DESCRIPTION_CHARACTERS.toLocaleString("en")} characters`);

export const createFromDescriptionInput = z.object({ description, options });
export const createFromPictureInput = z.object({ uploadId: id, options });

export const personaInput = z.object({ personaId: id });

export const stageName = z.enum(STAGES);
export const objectStageName = z.enum(OBJECT_STAGES);

/** The new fields of a stage: checked against the stage's own schema by the service. */
export const updateStageInput = personaInput.extend({ stage: objectStageName, data: z.unknown() });
export const updatePostInput = personaInput.extend({ position: z.number().int().min(0).max(29), data: postSchema });
export const restoreVersionInput = personaInput.extend({
  stage: objectStageName,
  version: z.number().int().min(1),
  /** Generate the stages that read this one again from the restored version (as regenerate offers). */
  withDependents: z.boolean().default(false),
});

const postPosition = z.number().int().min(0).max(29);
export const postInput = personaInput.extend({ position: postPosition });
export const restorePostInput = postInput.extend({ version: z.number().int().min(1) });
export const restoreAvatarInput = personaInput.extend({ imageId: id });

export const regenerateStageInput = personaInput.extend({
  stage: stageName,
  /** Redo the stages that read this one too (for stage 1: every other stage). */
  withDependents: z.boolean().default(false),
  /** Only this post, when the stage is "posts". */
  position: z.number().int().min(0).max(29).optional(),
});

export const retryFailedInput = personaInput.extend({
  /** Only these stages (and the stages they left skipped); every failed stage by default. */
  stages: z.array(stageName).max(STAGES.length).optional(),
});

export const createBatchInput = z.object({
  /** Descriptions as they were typed or pasted: one per line, CSV (with a "description" column) or JSON. */
  text: z.string().max(MAX_BATCH_PERSONAS * MAX_DESCRIPTION_CHARACTERS + 10_000, "The batch is too long").optional(),
  /** "lines" | "csv" | "json"; guessed from the text when absent. */
  format: z.enum(["lines", "csv", "json"]).optional(),
  /** Uploaded pictures (POST /api/personas/uploads), one persona each. */
  uploadIds: z.array(id).max(MAX_BATCH_PERSONAS, `At most ${MAX_BATCH_PERSONAS} personas in one batch`).optional(),
  options,
});
export const batchInput = z.object({ batchId: id });

export const createShareLinkInput = personaInput.extend({
  /** Days until the link stops working; absent for a link that works until revoked. */
  expiresInDays: z.number().int().min(1, "At least 1 day").max(365, "At most 365 days").optional(),
});
export const shareLinkInput = personaInput.extend({ linkId: id });
export const shareTokenInput = z.object({ token: z.string().min(16).max(200) });

export const teamSettingsInput = z.object({ allowMature: z.boolean() });

export const importCardInput = z.object({
  /** The card's JSON text (V1, V2 or V3). PNG cards come through the upload route. */
  json: z.string().min(2).max(2_000_000, "The card is too large"),
});

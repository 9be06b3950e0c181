// What the persona router returns, as zod schemas: the UI's types come from these (through the
// router), and no database row reaches the client unshaped.
import { z } from "zod";
import {
  authenticitySchema,
  bookSchema,
  coreSchema,
  networkSchema,
  postSchema,
  strategySchema,
  visualSchema,
} from "@/server/features/persona/schemas";
import { STAGE_STATUSES } from "@/server/features/persona/stage-status";
import { STAGES } from "@/server/features/persona/stages";
import { RUN_STATUSES } from "@/server/generation/types";

export const ok = z.object({ ok: z.literal(true) });
export const runStatus = z.enum(RUN_STATUSES);
const stageStatus = z.enum(STAGE_STATUSES);
const stage = z.enum(STAGES);
const source = z.enum(["description", "picture", "card"]);
const origin = z.enum(["generated", "edited", "imported", "restored"]);

export const personaOptionsView = z.object({
  language: z.string().nullable(),
  contentRating: z.enum(["general", "mature"]),
  postCount: z.number(),
  lorebookEntryCount: z.number(),
  avatar: z.boolean(),
});

export const versionView = <Data extends z.ZodType>(data: Data) => z.object({ version: z.number(), origin, createdAt: z.date(), data });

const stageView = <Data extends z.ZodType>(data: Data) =>
  z.object({
    stage,
    number: z.number(),
    label: z.string(),
    status: stageStatus,
    reason: z.string().nullable(),
    current: versionView(data).nullable(),
    versions: z.array(versionView(data)),
  });

const gridCell = z.object({ stage, number: z.number(), label: z.string(), status: stageStatus, reason: z.string().nullable() });

export const personaView = z.object({
  id: z.string(),
  teamId: z.string(),
  ownerId: z.string(),
  name: z.string(),
  source,
  description: z.string().nullable(),
  sourceUploadId: z.string().nullable(),
  batchId: z.string().nullable(),
  options: personaOptionsView,
  imported: z.boolean(),
  role: z.enum(["owner", "admin", "member"]),
  canEdit: z.boolean(),
  run: z.object({ id: z.string(), status: runStatus }).nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  stages: z.object({
    core: stageView(coreSchema),
    strategy: stageView(strategySchema),
    network: stageView(networkSchema),
    authenticity: stageView(authenticitySchema),
    visual: stageView(visualSchema),
    book: stageView(bookSchema),
  }),
  posts: z.object({
    status: stageStatus,
    reason: z.string().nullable(),
    items: z.array(
      z.object({
        position: z.number(),
        status: stageStatus,
        reason: z.string().nullable(),
        current: versionView(postSchema).nullable(),
        versions: z.number(),
      }),
    ),
  }),
  avatar: z.object({
    status: stageStatus,
    reason: z.string().nullable(),
    imageId: z.string().nullable(),
    versions: z.array(z.object({ imageId: z.string(), version: z.number(), createdAt: z.date() })),
  }),
  grid: z.array(gridCell),
});

export const personaSummary = z.object({
  id: z.string(),
  name: z.string(),
  source,
  identity: z.string().nullable(),
  contentRating: z.enum(["general", "mature"]),
  status: z.enum(["draft", ...RUN_STATUSES]),
  avatarImageId: z.string().nullable(),
  batchId: z.string().nullable(),
  ownerId: z.string(),
  updatedAt: z.date(),
});

export const sharedPersonaView = z.object({
  name: z.string(),
  source,
  options: personaOptionsView,
  stages: z.object({
    core: coreSchema.nullable(),
    strategy: strategySchema.nullable(),
    network: networkSchema.nullable(),
    authenticity: authenticitySchema.nullable(),
    visual: visualSchema.nullable(),
    book: bookSchema.nullable(),
  }),
  posts: z.array(z.object({ position: z.number(), data: postSchema })),
  hasAvatar: z.boolean(),
  updatedAt: z.date(),
});

export const runStarted = z.object({ runId: z.string(), stages: z.array(stage) });
export const created = z.object({ personaId: z.string(), runId: z.string() });
export const savedVersion = z.object({ id: z.string(), version: z.number() });
/** The restored version, and the run regenerating the stages that read it (null when not asked). */
export const restoredVersion = savedVersion.extend({ runId: z.string().nullable(), stages: z.array(stage) });

const runCounts = z.object({ total: z.number(), succeeded: z.number(), failed: z.number(), skipped: z.number(), cancelled: z.number() });

export const batchView = z.object({
  id: z.string(),
  source: z.enum(["description", "picture", "mixed"]),
  createdAt: z.date(),
  run: z.object({ id: z.string(), status: runStatus, counts: runCounts, startedAt: z.date().nullable(), endedAt: z.date().nullable() }).nullable(),
  counts: z.object({ total: z.number(), done: z.number(), failed: z.number(), cancelled: z.number(), running: z.number(), pending: z.number() }),
  estimatedMsLeft: z.number().nullable(),
  /** Whether the caller may cancel the batch (its creator, or a team owner or admin). */
  canCancel: z.boolean(),
  personas: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      source: z.enum(["description", "picture"]),
      state: z.enum(["done", "failed", "cancelled", "running", "pending"]),
      canEdit: z.boolean(),
      avatarImageId: z.string().nullable(),
      grid: z.array(gridCell),
    }),
  ),
});

export const batchSummary = z.object({
  id: z.string(),
  source: z.enum(["description", "picture", "mixed"]),
  size: z.number(),
  status: runStatus.nullable(),
  createdAt: z.date(),
});

export const batchPreview = z.object({
  format: z.enum(["lines", "csv", "json"]),
  items: z.array(z.object({ line: z.number(), description: z.string(), language: z.string().optional() })),
  problems: z.array(z.object({ line: z.number(), message: z.string() })),
});

export const shareLinkView = z.object({
  id: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});

export const teamSettingsView = z.object({ allowMature: z.boolean(), canChange: z.boolean() });

export const personaLimits = z.object({
  stages: z.array(z.object({ stage, number: z.number(), label: z.string(), needs: z.array(stage) })),
  defaults: z.object({ postCount: z.number(), lorebookEntryCount: z.number(), avatar: z.boolean(), contentRating: z.enum(["general", "mature"]) }),
  limits: z.object({
    postCount: z.object({ min: z.number(), max: z.number() }),
    lorebookEntryCount: z.object({ min: z.number(), max: z.number() }),
    descriptionCharacters: z.number(),
    batchPersonas: z.number(),
    uploadBytes: z.number(),
    uploadSide: z.number(),
    uploadFilesPerRequest: z.number(),
  }),
});

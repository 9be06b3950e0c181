// Personas of a team: create (from a description or an uploaded picture, and start every stage),
// list, cancel and delete. Reading one persona is persona-view.ts; changing its stages is
// persona-edits.ts; access rules are persona-access.ts.
import crypto from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { deleteImageRows } from "@/server/features/images/images";
import type { RunStatus } from "@/server/generation/types";
import { PERSONA_IMAGE_OWNER } from "./avatar";
import { findEditablePersona } from "./persona-access";
import type { PersonaOptions } from "./persona-input";
import { submitPersonaRun, type PersonaServices } from "./persona-runs";
import type { Core } from "./schemas";
import { allStages } from "./stages";
import { assertRatingAllowed } from "./team-settings";

export interface Actor {
  userId: string;
  teamId: string;
}

/** The persona's columns for its options. */
export function optionColumns(options: PersonaOptions) {
  return {
    language: options.language || null,
    contentRating: options.contentRating,
    postCount: options.postCount,
    lorebookEntryCount: options.lorebookEntryCount,
    avatarEnabled: options.avatar,
  };
}

/** A working title until stage 1 names the persona: the description's first words. */
export function workingTitle(description: string): string {
  const words = description.replace(/\s+/g, " ").trim().split(" ").slice(0, 6).join(" ");
  return words.length > 60 ? `${words.slice(0, 59)}…` : words || "New persona";
}

export async function createFromDescription(services: PersonaServices, actor: Actor, input: { description: string; options: PersonaOptions }) {
  await assertRatingAllowed(services.db, actor.teamId, input.options.contentRating);
  const persona = await services.db.persona.create({
    data: {
      id: crypto.randomUUID(),
      teamId: actor.teamId,
      ownerId: actor.userId,
      name: workingTitle(input.description),
      source: "description",
      description: input.description,
      stageRuns: {},
      ...optionColumns(input.options),
    },
  });
  const runId = await submitPersonaRun(services, { ...actor, plans: [{ persona, plan: { stages: allStages(persona) } }] });
  return { personaId: persona.id, runId };
}

/** An upload of the team that no persona uses yet; NOT_FOUND for another team's. */
export async function findFreeUpload(db: Database, teamId: string, uploadId: string) {
  const upload = await db.personaUpload.findFirst({ where: { id: uploadId, teamId }, include: { persona: { select: { id: true } } } });
  if (!upload) throw notFound("Upload");
  if (upload.persona) throw new AppError("BAD_REQUEST", "This picture already made a persona: upload it again to make another", { field: "uploadId" });
  return upload;
}

export async function createFromPicture(services: PersonaServices, actor: Actor, input: { uploadId: string; options: PersonaOptions }) {
  await assertRatingAllowed(services.db, actor.teamId, input.options.contentRating);
  const upload = await findFreeUpload(services.db, actor.teamId, input.uploadId);
  const persona = await services.db.persona.create({
    data: {
      id: crypto.randomUUID(),
      teamId: actor.teamId,
      ownerId: actor.userId,
      name: "Persona from a picture",
      source: "picture",
      sourceUploadId: upload.id,
      stageRuns: {},
      ...optionColumns(input.options),
    },
  });
  const runId = await submitPersonaRun(services, { ...actor, plans: [{ persona, plan: { stages: allStages(persona) } }] });
  return { personaId: persona.id, runId };
}

export type PersonaStatus = "draft" | RunStatus;

export async function listPersonas(services: PersonaServices, teamId: string) {
  const personas = await services.db.persona.findMany({ where: { teamId }, orderBy: { updatedAt: "desc" } });
  const ids = personas.map((persona) => persona.id);
  const [cores, avatars, statusOf] = await Promise.all([
    services.db.personaStage.findMany({ where: { personaId: { in: ids }, stage: "core" }, orderBy: { version: "asc" }, select: { personaId: true, data: true } }),
    services.db.image.findMany({ where: { ownerKind: PERSONA_IMAGE_OWNER, ownerId: { in: ids } }, orderBy: { version: "asc" }, select: { id: true, ownerId: true } }),
    services.engine.runStatuses(personas.flatMap((persona) => (persona.lastRunId ? [persona.lastRunId] : []))),
  ]);
  // Oldest first, so the last one written for a persona is its current one.
  const coreOf = new Map(cores.map((core) => [core.personaId, core.data as Core]));
  const avatarOf = new Map(avatars.map((avatar) => [avatar.ownerId, avatar.id]));
  return personas.map((persona) => {
    const core = coreOf.get(persona.id);
    return {
      id: persona.id,
      name: persona.name,
      source: persona.source as "description" | "picture" | "card",
      identity: core?.identity ?? null,
      contentRating: persona.contentRating as "general" | "mature",
      status: (persona.lastRunId ? statusOf.get(persona.lastRunId) : undefined) ?? ("draft" as PersonaStatus),
      avatarImageId: avatarOf.get(persona.id) ?? null,
      batchId: persona.batchId,
      ownerId: persona.ownerId,
      updatedAt: persona.updatedAt,
    };
  });
}

export async function cancelPersonaRun(services: PersonaServices, userId: string, personaId: string) {
  const persona = await findEditablePersona(services.db, userId, personaId);
  if (persona.lastRunId) await services.engine.cancelRun(persona.lastRunId);
}

/**
 * Deletes personas with everything they own: stages, posts and share links (by cascade), their
 * avatar images and their uploaded pictures, whose files go once the rows are gone.
 */
export async function deletePersonaRows(services: PersonaServices, personaIds: string[]): Promise<void> {
  const { db, images } = services;
  // The personas go first: on PostgreSQL that waits for an avatar render holding a persona's row,
  // and its image, committed by then, is read after and deleted with the others.
  const files = await db.$transaction(async (transaction: Prisma.TransactionClient) => {
    const uploads = await transaction.persona.findMany({ where: { id: { in: personaIds } }, select: { sourceUpload: true } });
    await transaction.persona.deleteMany({ where: { id: { in: personaIds } } });
    const avatarFiles = await deleteImageRows(transaction, PERSONA_IMAGE_OWNER, personaIds);
    const owned = uploads.flatMap((row) => (row.sourceUpload ? [row.sourceUpload] : []));
    await transaction.personaUpload.deleteMany({ where: { id: { in: owned.map((upload) => upload.id) } } });
    return [...avatarFiles, ...owned.flatMap((upload) => [upload.file, upload.thumbnailFile])];
  });
  await images.remove(files);
}

export async function deletePersona(services: PersonaServices, userId: string, personaId: string) {
  const persona = await findEditablePersona(services.db, userId, personaId);
  // A batch's run is shared with other personas: only the persona's own run is cancelled. Its tasks
  // in a batch's run fail on their own once the persona is gone.
  if (persona.lastRunId) {
    const run = await services.engine.getRun(persona.lastRunId);
    if (run?.subjectId === persona.id) await services.engine.cancelRun(run.id);
  }
  await deletePersonaRows(services, [persona.id]);
}

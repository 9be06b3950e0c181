// Character card files of a persona (V2 JSON, V3 JSON, PNG with both) for members of its team or
// the holder of a share link, and personas made from imported cards.
import crypto from "node:crypto";
import type { Persona } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { AppError } from "@/server/errors";
import type { ImageParameters } from "@/server/features/images/images";
import type { ImageStore } from "@/server/storage/image-store";
import { cpuPool } from "@/server/workers/cpu-pool";
import { currentAvatar, PERSONA_IMAGE_OWNER } from "../avatar";
import { findPersona } from "../persona-access";
import type { PersonaServices } from "../persona-runs";
import type { Actor } from "../personas";
import type { ObjectStage, StageData } from "../schemas";
import { currentPosts, currentStages, savePostVersion, saveStageVersion } from "../stage-store";
import { checkPicture, sniffFormat } from "../uploads";
import { cardToPersona, parseCardJson } from "./card-import";
import { toCardV2, toCardV3, type CardInput, type CardObject } from "./card-export";
import { readCardPng } from "./png-card";

export const CARD_FORMATS = ["png", "v2", "v3"] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];

export interface CardFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

async function cardInput(db: Database, persona: Persona): Promise<CardInput> {
  const [stages, posts] = await Promise.all([currentStages(db, persona.id), currentPosts(db, persona.id)]);
  return {
    name: persona.name,
    source: persona.source,
    contentRating: persona.contentRating,
    language: persona.language,
    createdAt: persona.createdAt,
    updatedAt: persona.updatedAt,
    stages,
    posts: posts.filter((post) => post.position < persona.postCount).map((post) => ({ data: post.data, origin: post.origin })),
    importedCard: (persona.importedCard as CardObject | null) ?? null,
  };
}

function fileSlug(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 50) || "persona";
}

/** The card file of a persona the caller may already read (checked by the caller). */
export async function buildCardFile(db: Database, images: ImageStore, persona: Persona, format: CardFormat): Promise<CardFile> {
  const input = await cardInput(db, persona);
  const slug = fileSlug(persona.name);
  if (format === "v2") return { fileName: `${slug}.v2.json`, contentType: "application/json", body: Buffer.from(JSON.stringify(toCardV2(input), null, 2)) };
  if (format === "v3") return { fileName: `${slug}.v3.json`, contentType: "application/json", body: Buffer.from(JSON.stringify(toCardV3(input), null, 2)) };
  const avatar = await currentAvatar(db, persona.id);
  const picture = avatar ? await images.read(avatar.file) : null;
  // Drawing the portrait and rewriting the PNG's chunks (a checksum over every byte) is CPU work
  // for the CPU workers.
  const png = await cpuPool().run("card-png", { picture, name: persona.name, cards: { v2: toCardV2(input), v3: toCardV3(input) } });
  return { fileName: `${slug}.png`, contentType: "image/png", body: Buffer.from(png.buffer, png.byteOffset, png.byteLength) };
}

export async function exportPersonaCard(services: Pick<PersonaServices, "db" | "images">, userId: string, personaId: string, format: CardFormat) {
  const { persona } = await findPersona(services.db, userId, personaId);
  return buildCardFile(services.db, services.images, persona, format);
}

/** Stores a card's picture (re-encoded, its chunks gone) as the persona's first avatar version. */
async function storeCardPicture(db: Database, images: ImageStore, persona: Persona, png: Buffer) {
  const picture = await checkPicture(png);
  const stored = await images.save(picture.png);
  const parameters: ImageParameters = {
    provider: "imported",
    model: "character card",
    size: `${picture.width}x${picture.height}`,
    quality: null,
    style: null,
    prompt: "",
    negativePrompt: null,
    revisedPrompt: null,
    seed: null,
  };
  try {
    await db.image.create({
      data: {
        id: crypto.randomUUID(),
        teamId: persona.teamId,
        ownerKind: PERSONA_IMAGE_OWNER,
        ownerId: persona.id,
        version: 1,
        file: stored.file,
        thumbnailFile: stored.thumbnailFile,
        width: picture.width,
        height: picture.height,
        parameters,
        attempts: 0,
        durationMs: 0,
      },
    });
  } catch (error) {
    await images.remove([stored.file, stored.thumbnailFile]);
    throw error;
  }
}

/** A persona from a card file: JSON text, or a PNG card whose picture becomes the avatar. */
export async function importCard(services: Pick<PersonaServices, "db" | "images">, actor: Actor, bytes: Buffer) {
  const { db, images } = services;
  const isPng = sniffFormat(bytes) === "png";
  const json = isPng ? readCardPng(bytes) : bytes.toString("utf8");
  if (json === undefined) throw new AppError("BAD_REQUEST", "This PNG carries no character card (no chara or ccv3 chunk)");
  const imported = cardToPersona(parseCardJson(json));
  const bookEntries = imported.stages.book?.entries.length ?? 0;
  const persona = await db.persona.create({
    data: {
      id: crypto.randomUUID(),
      teamId: actor.teamId,
      ownerId: actor.userId,
      name: imported.name,
      source: "card",
      description: imported.description || null,
      postCount: Math.min(30, Math.max(1, imported.posts.length || 10)),
      lorebookEntryCount: Math.min(20, Math.max(1, bookEntries || 6)),
      stageRuns: {},
      importedCard: imported.card as object,
    },
  });
  try {
    for (const [stage, data] of Object.entries(imported.stages) as Array<[ObjectStage, StageData[ObjectStage]]>) {
      await saveStageVersion(db, stage, { personaId: persona.id, data, origin: "imported" });
    }
    for (const [position, post] of imported.posts.entries()) await savePostVersion(db, position, { personaId: persona.id, data: post, origin: "imported" });
    if (isPng) await storeCardPicture(db, images, persona, bytes);
  } catch (error) {
    await db.persona.delete({ where: { id: persona.id } });
    throw error;
  }
  return { personaId: persona.id, spec: imported.spec };
}

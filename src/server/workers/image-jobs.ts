// What the image workers do: the CPU work on pictures (drawing, encoding, thumbnails, card PNGs,
// deck exports), run off the request thread. Each job takes and returns structured-cloneable
// values (bytes as Uint8Array); files are read and written by the worker itself.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { placeholderPortrait, writeCardPng } from "@/server/features/persona/cards/png-card";
import type { ExportDeck, ExportSlide } from "@/server/features/slides/exports/deck-export-data";
import { buildPdf } from "@/server/features/slides/exports/pdf-export";
import { buildPptx } from "@/server/features/slides/exports/pptx-export";
import { renderScene, type SceneDrawing } from "@/server/providers/offline/offline-scene";

export interface StoreImageInput {
  png: Uint8Array;
  /** The image store's folder and the names it chose. */
  directory: string;
  file: string;
  thumbnailFile: string;
  thumbnailWidth: number;
}

export interface CardPngInput {
  /** The persona's avatar PNG, or null for a portrait drawn from its initials. */
  picture: Uint8Array | null;
  name: string;
  cards: { v2: object; v3: object };
}

export interface DeckFileInput {
  deck: ExportDeck;
  /** Each slide's image is read from its path by the worker. */
  slides: ExportSlide[];
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Written to a temporary name first and renamed, so a crash never leaves half a file under a final name. */
async function writeAtomically(target: string, bytes: Buffer): Promise<void> {
  const temporary = `${target}.${process.pid}.${crypto.randomUUID()}.tmp`;
  await fs.writeFile(temporary, bytes);
  await fs.rename(temporary, target);
}

export const imageJobs = {
  /** The offline provider's picture of a scene. */
  "offline-image": (drawing: SceneDrawing): Promise<Uint8Array> => renderScene(drawing),

  /** A stored image's thumbnail (WebP) and original, written under the names the store chose. */
  async "store-image"(input: StoreImageInput): Promise<void> {
    const png = asBuffer(input.png);
    const thumbnail = await sharp(png).resize({ width: input.thumbnailWidth, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    await writeAtomically(path.join(input.directory, input.thumbnailFile), thumbnail);
    await writeAtomically(path.join(input.directory, input.file), png);
  },

  /** A character card PNG: the avatar (or a drawn portrait) with the card's chunks. */
  async "card-png"(input: CardPngInput): Promise<Uint8Array> {
    const picture = input.picture ? asBuffer(input.picture) : await placeholderPortrait(input.name);
    return writeCardPng(picture, input.cards);
  },

  /** A deck as PowerPoint: every picture read, base64-encoded and zipped. */
  "deck-pptx": ({ deck, slides }: DeckFileInput): Promise<Uint8Array> => buildPptx(deck, slides),

  /** A deck as PDF: every picture's PNG parsed and embedded. */
  "deck-pdf": ({ deck, slides }: DeckFileInput): Promise<Uint8Array> => buildPdf(deck, slides),
};

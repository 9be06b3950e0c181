// What the CPU workers do: the offline text model's answers and the work on pictures (drawing,
// encoding, thumbnails, card PNGs, deck exports), run off the request thread. Each job takes and
// returns structured-cloneable values (bytes as Uint8Array); files are read and written by the
// worker itself. What only some jobs need (the NLP of the offline answers, the PDF and PowerPoint
// writers) is loaded by the first job that needs it, so a worker that only draws stays small.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { ExportDeck, ExportSlide } from "@/server/features/slides/exports/deck-export-data";
import { respondOffline } from "@/server/providers/offline/offline-responders";
import { renderScene, type SceneDrawing } from "@/server/providers/offline/offline-scene";
import type { ChatMessage } from "@/server/providers/types";

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
  slides: ExportSlide[];
  /** The PNG of each slide's image (null for a slide without one), in the slides' order. */
  pictures: Array<Uint8Array | null>;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Written to a temporary name first and renamed, so a crash never leaves half a file under a final name. */
async function writeAtomically(target: string, bytes: Buffer): Promise<void> {
  const temporary = `${target}.${process.pid}.${crypto.randomUUID()}.tmp`;
  await fs.writeFile(temporary, bytes);
  await fs.rename(temporary, target);
}

const thumbnailOf = (png: Buffer, width: number) => sharp(png).resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();

export const cpuJobs = {
  /** A domain's offline answer to a structured request (undefined when it declines). */
  "offline-answer": ({ name, messages }: { name: string; messages: ChatMessage[] }): Promise<unknown> =>
    import("./worker-responders").then(({ WORKER_RESPONDERS }) => respondOffline(WORKER_RESPONDERS, name, messages)),

  /** The offline provider's picture of a scene. */
  "offline-image": (drawing: SceneDrawing): Promise<Uint8Array> => renderScene(drawing),

  /** A stored image's thumbnail (WebP) and original, written under the names the store chose. */
  async "store-image"(input: StoreImageInput): Promise<void> {
    const png = asBuffer(input.png);
    await writeAtomically(path.join(input.directory, input.thumbnailFile), await thumbnailOf(png, input.thumbnailWidth));
    await writeAtomically(path.join(input.directory, input.file), png);
  },

  /** The thumbnail (WebP) alone, for a store that writes the files itself. */
  "image-thumbnail": async ({ png, width }: { png: Uint8Array; width: number }): Promise<Uint8Array> => thumbnailOf(asBuffer(png), width),

  /** A character card PNG: the avatar (or a drawn portrait) with the card's chunks. */
  async "card-png"(input: CardPngInput): Promise<Uint8Array> {
    const { placeholderPortrait, writeCardPng } = await import("@/server/features/persona/cards/png-card");
    const picture = input.picture ? asBuffer(input.picture) : await placeholderPortrait(input.name);
    return writeCardPng(picture, input.cards);
  },

  /** A deck as PowerPoint: every picture read, base64-encoded and zipped. */
  async "deck-pptx"({ deck, slides, pictures }: DeckFileInput): Promise<Uint8Array> {
    const { buildPptx } = await import("@/server/features/slides/exports/pptx-export");
    return buildPptx(deck, slides, pictures);
  },

  /** A deck as PDF: every picture's PNG parsed and embedded. */
  async "deck-pdf"({ deck, slides, pictures }: DeckFileInput): Promise<Uint8Array> {
    const { buildPdf } = await import("@/server/features/slides/exports/pdf-export");
    return buildPdf(deck, slides, pictures);
  },
};

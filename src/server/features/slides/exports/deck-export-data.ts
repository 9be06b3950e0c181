// What every export of a deck reads: the deck, its slides in order, and each slide's current image
// whose file is in the image store. The caller has checked access.
import type { Image } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import type { ImageStore } from "@/server/storage/image-store";

export const EXPORT_FORMATS = ["pptx", "pdf", "zip"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportDeck {
  id: string;
  title: string;
  stylePreset: string;
  stylePrompt: string;
  aspectRatio: string;
  quality: string;
  createdAt: Date;
}

export interface ExportSlide {
  /** 1-based. */
  position: number;
  title: string;
  text: string;
  imagePrompt: string;
  promptWritten: boolean;
  image: { row: Image } | null;
}

export interface DeckExportFile {
  fileName: string;
  contentType: string;
  body: ReadableStream<Uint8Array> | Uint8Array;
}

/** The page or slide size of an aspect ratio, in inches: 10 on the long side (7.5 for squares). */
export function pageInches(aspectRatio: string): { width: number; height: number } {
  switch (aspectRatio) {
    case "4:3":
      return { width: 10, height: 7.5 };
    case "1:1":
      return { width: 7.5, height: 7.5 };
    case "9:16":
      return { width: 5.625, height: 10 };
    default:
      return { width: 10, height: 5.625 };
  }
}

/** The largest box of the image's proportions that fits the page, centred. */
export function fitCentred(image: { width: number; height: number }, page: { width: number; height: number }) {
  const scale = Math.min(page.width / image.width, page.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return { x: (page.width - width) / 2, y: (page.height - height) / 2, width, height };
}

export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 50) || "deck";
}

/** Text without the control characters XML and PDF strings cannot carry. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
}

export async function loadDeckForExport(db: Database, images: ImageStore, deck: ExportDeck): Promise<ExportSlide[]> {
  const slides = await db.slide.findMany({ where: { deckId: deck.id }, orderBy: { position: "asc" }, include: { currentImage: true } });
  return Promise.all(
    slides.map(async (slide, index) => {
      const row = slide.currentImage;
      // A file removed by hand leaves the slide without a picture rather than failing the export.
      const present = row ? await images.exists(row.file) : false;
      return {
        position: index + 1,
        title: slide.title,
        text: slide.text,
        imagePrompt: slide.imagePrompt,
        promptWritten: slide.promptWritten,
        image: row && present ? { row } : null,
      };
    }),
  );
}

/** The speaker notes of a slide: its text, then the prompt its image was rendered from. */
export function speakerNotes(slide: ExportSlide): string {
  const prompt = slide.image ? (slide.image.row.parameters as { prompt?: string }).prompt ?? slide.imagePrompt : slide.imagePrompt;
  return printable([slide.text, prompt ? `Image prompt: ${prompt}` : ""].filter(Boolean).join("\n\n"));
}

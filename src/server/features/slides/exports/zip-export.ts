// The deck's current images plus manifest.json (the deck, every slide's words and prompt, and the
// exact parameters of each image), as a zip stream built while it is sent.
import { Readable } from "node:stream";
import yazl from "yazl";
import { parametersOf } from "@/server/features/images/images";
import { addStoredImage, zipOutput } from "@/server/features/images/zip-image";
import type { ImageStore } from "@/server/storage/image-store";
import { slug, type ExportDeck, type ExportSlide } from "./deck-export-data";

export function buildZip(deck: ExportDeck, slides: ExportSlide[], images: ImageStore): ReadableStream<Uint8Array> {
  const zip = new yazl.ZipFile();
  const manifestSlides = slides.map((slide) => {
    const image = slide.image;
    const file = image ? `images/${String(slide.position).padStart(3, "0")}-${slug(slide.title)}.png` : null;
    if (image && file) addStoredImage(zip, images, image.row.file, file, image.row.createdAt);
    return {
      position: slide.position,
      title: slide.title,
      text: slide.text,
      imagePrompt: slide.imagePrompt,
      promptWritten: slide.promptWritten,
      image:
        image && file
          ? {
              file,
              version: image.row.version,
              width: image.row.width,
              height: image.row.height,
              parameters: parametersOf(image.row),
              attempts: image.row.attempts,
              durationMs: image.row.durationMs,
              createdAt: image.row.createdAt.toISOString(),
            }
          : null,
    };
  });
  const manifest = {
    format: "storyforge-deck",
    version: 1,
    exportedAt: new Date().toISOString(),
    deck: {
      id: deck.id,
      title: deck.title,
      stylePreset: deck.stylePreset,
      stylePrompt: deck.stylePrompt,
      aspectRatio: deck.aspectRatio,
      quality: deck.quality,
      createdAt: deck.createdAt.toISOString(),
    },
    slides: manifestSlides,
  };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), "manifest.json");
  zip.end();
  return Readable.toWeb(zipOutput(zip)) as ReadableStream<Uint8Array>;
}

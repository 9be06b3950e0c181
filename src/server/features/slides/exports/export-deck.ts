// One entry for the three exports of a deck (PPTX, PDF, zip with manifest), used by the browser's
// export route and the batch API's. The caller has checked access to the deck.
import type { Database } from "@/server/db";
import type { ImageStore } from "@/server/storage/image-store";
import { cpuPool } from "@/server/workers/cpu-pool";
import { loadDeckForExport, slug, type DeckExportFile, type ExportDeck, type ExportFormat } from "./deck-export-data";
import { buildZip } from "./zip-export";

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  pdf: "application/pdf",
  zip: "application/zip",
};

export async function exportDeck(
  services: { db: Database; images: ImageStore },
  deck: ExportDeck,
  format: ExportFormat,
): Promise<DeckExportFile> {
  const slides = await loadDeckForExport(services.db, services.images, deck);
  const fileName = `${slug(deck.title)}.${format}`;
  const contentType = EXPORT_CONTENT_TYPES[format];
  // The CPU workers reach no image store: they get the pictures' bytes.
  const pictures = () => Promise.all(slides.map((slide) => (slide.image ? services.images.read(slide.image.row.file) : null)));
  switch (format) {
    // Parsing, encoding and compressing every picture is CPU work for the CPU workers; the zip
    // only streams the files as they are.
    case "pptx":
      return { fileName, contentType, body: await cpuPool().run("deck-pptx", { deck, slides, pictures: await pictures() }) };
    case "pdf":
      return { fileName, contentType, body: await cpuPool().run("deck-pdf", { deck, slides, pictures: await pictures() }) };
    case "zip":
      return { fileName, contentType, body: buildZip(deck, slides, services.images) };
  }
}

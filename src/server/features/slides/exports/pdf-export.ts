// The deck as a PDF (pdf-lib): one page per slide at the deck's aspect ratio, the image scaled to
// fit and centred on a dark page. A slide without an image shows its title (in the standard
// Helvetica font, so characters outside Latin-1 become "?").
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import { fitCentred, pageInches, printable, type ExportDeck, type ExportSlide } from "./deck-export-data";

const POINTS_PER_INCH = 72;

/** What the standard fonts' WinAnsi encoding can draw: printable ASCII and Latin-1. */
function latin1(text: string): string {
  return printable(text).replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, "?");
}

/** The text, cut with "..." where it would be wider than `maxWidth`. */
function fitText(text: string, widthOf: (text: string) => number, maxWidth: number): string {
  if (widthOf(text) <= maxWidth) return text;
  let cut = text;
  while (cut.length > 0 && widthOf(`${cut}...`) > maxWidth) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/** `pictures[i]` is the PNG of `slides[i]`'s image. */
export async function buildPdf(deck: ExportDeck, slides: ExportSlide[], pictures: Array<Uint8Array | null>): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(deck.title));
  pdf.setCreator("Storyforge");
  pdf.setProducer("Storyforge (pdf-lib)");
  const inches = pageInches(deck.aspectRatio);
  const size = { width: inches.width * POINTS_PER_INCH, height: inches.height * POINTS_PER_INCH };
  const font = await pdf.embedFont(StandardFonts.Helvetica);

  for (const [index, slide] of slides.entries()) {
    const page = pdf.addPage([size.width, size.height]);
    const picture = pictures[index];
    page.drawRectangle({ x: 0, y: 0, width: size.width, height: size.height, color: rgb(0.07, 0.07, 0.07) });
    if (slide.image && picture) {
      const png = await pdf.embedPng(picture);
      const box = fitCentred({ width: png.width, height: png.height }, size);
      page.drawImage(png, box);
    } else {
      const fontSize = 24;
      const title = fitText(latin1(slide.title), (text) => font.widthOfTextAtSize(text, fontSize), size.width - 72);
      const width = font.widthOfTextAtSize(title, fontSize);
      page.drawText(title, { x: (size.width - width) / 2, y: size.height / 2 - fontSize / 2, size: fontSize, font, color: rgb(1, 1, 1) });
    }
  }
  return pdf.save();
}

// The deck as a PowerPoint file (pptxgenjs): a layout of the deck's aspect ratio, one slide per
// slide with its image fitted and centred, the slide title as the image's alt text, and the
// slide's text and image prompt in the speaker notes. A slide without an image shows its title.
import PptxGenJS from "pptxgenjs";
import { fitCentred, pageInches, printable, speakerNotes, type ExportDeck, type ExportSlide } from "./deck-export-data";

/** `pictures[i]` is the PNG of `slides[i]`'s image. */
export async function buildPptx(deck: ExportDeck, slides: ExportSlide[], pictures: Array<Uint8Array | null>): Promise<Buffer> {
  const pptx = new PptxGenJS();
  const page = pageInches(deck.aspectRatio);
  const layout = `DECK_${deck.aspectRatio.replace(":", "x")}`;
  pptx.defineLayout({ name: layout, width: page.width, height: page.height });
  pptx.layout = layout;
  pptx.title = printable(deck.title);
  pptx.company = "Storyforge";

  for (const [index, slide] of slides.entries()) {
    const part = pptx.addSlide();
    const picture = pictures[index];
    part.background = { color: "111111" };
    if (slide.image && picture) {
      const bytes = Buffer.from(picture.buffer, picture.byteOffset, picture.byteLength);
      const box = fitCentred({ width: slide.image.row.width, height: slide.image.row.height }, page);
      part.addImage({
        data: `image/png;base64,${bytes.toString("base64")}`,
        x: box.x,
        y: box.y,
        w: box.width,
        h: box.height,
        altText: printable(slide.title),
      });
    } else {
      part.addText(printable(slide.title), {
        x: 0.5,
        y: page.height / 2 - 0.75,
        w: page.width - 1,
        h: 1.5,
        align: "center",
        valign: "middle",
        fontSize: 28,
        color: "FFFFFF",
        fit: "shrink",
      });
    }
    const notes = speakerNotes(slide);
    if (notes) part.addNotes(notes);
  }
  const output = await pptx.write({ outputType: "nodebuffer", compression: true });
  return Buffer.isBuffer(output) ? output : Buffer.from(output as ArrayBuffer);
}

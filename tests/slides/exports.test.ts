// The deck's exports, read back with the tools a recipient would use: the PPTX unzips to one slide
// part per slide with its image, alt text and speaker notes at the deck's aspect ratio; the PDF
// loads with one page per slide at that ratio; the zip holds the images and a manifest with each
// image's exact parameters. A slide without an image still gets its slide and page.
import fs from "node:fs";
import { PDFDocument } from "pdf-lib";
import { beforeAll } from "vitest";
import type { DeckView } from "@/server/features/slides/deck-view";
import { exportMemberDeck } from "@/server/features/slides/member-decks";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, type SlidesTestServices } from "../helpers/slides-services";
import { readZip, type ZipEntry } from "../helpers/zip";

const EMU_PER_INCH = 914_400;

let database: TestDatabase;
let alice: TestUser;
let testServices: SlidesTestServices;
let deck: DeckView;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
  testServices = createSlidesTestServices({ db: database.db });
  const caller = testServices.caller(alice);
  const { deckId, runId } = await caller.slides.create({
    title: "Growth & <Risks>",
    stylePreset: "watercolor",
    aspectRatio: "4:3",
    quality: "standard",
    slides: [
      { title: "Harbour & ships", text: "Trade doubled.\nShips wait outside.", imagePrompt: "A busy harbour" },
      { title: "Market", text: "Stalls in the rain." },
      { title: "Ünïcödé → 終わり", text: "The end.", imagePrompt: "A closing curtain" },
    ],
  });
  await testServices.services.engine.waitForRun(runId);
  // The third slide loses its image: it is exported as its title alone.
  const third = await database.db.slide.findFirstOrThrow({ where: { deckId, position: 2 } });
  await database.db.slide.update({ where: { id: third.id }, data: { currentImageId: null } });
  deck = await caller.slides.get({ deckId });
});
test.afterAll(async () => {
  await testServices?.close();
});

async function exported(format: "pptx" | "pdf" | "zip"): Promise<Buffer> {
  const file = await exportMemberDeck(testServices.services, alice.id, deck.id, format);
  return Buffer.from(await new Response(file.body as BodyInit).arrayBuffer());
}

const entry = (entries: ZipEntry[], name: string) => {
  const found = entries.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`No ${name} in ${entries.map((candidate) => candidate.name).join(", ")}`);
  return found.data;
};

/** The stored PNG of the slide's current image. */
async function imageBytesOf(slideIndex: number): Promise<Buffer> {
  const image = await database.db.image.findUniqueOrThrow({ where: { id: deck.slides[slideIndex]!.currentImageId! } });
  return fs.readFileSync(testServices.services.images.pathOf(image.file));
}

describe("PPTX", () => {
  let entries: ZipEntry[];
  beforeAll(async () => {
    entries = readZip(await exported("pptx"));
  });

  test("has a 4:3 layout and one slide part per slide", () => {
    const presentation = entry(entries, "ppt/presentation.xml").toString("utf8");
    expect(presentation).toContain(`<p:sldSz cx="${10 * EMU_PER_INCH}" cy="${7.5 * EMU_PER_INCH}"`);
    expect(entries.map((candidate) => candidate.name).filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).sort()).toEqual([
      "ppt/slides/slide1.xml",
      "ppt/slides/slide2.xml",
      "ppt/slides/slide3.xml",
    ]);
  });

  test("each slide with an image shows that image's bytes, with the slide title as alt text", async () => {
    for (const index of [0, 1]) {
      const number = index + 1;
      const xml = entry(entries, `ppt/slides/slide${number}.xml`).toString("utf8");
      const rels = entry(entries, `ppt/slides/_rels/slide${number}.xml.rels`).toString("utf8");
      const target = /Type="[^"]+\/image" Target="\.\.\/media\/([^"]+)"/.exec(rels)?.[1];
      expect(target).toBeDefined();
      expect(entry(entries, `ppt/media/${target}`).equals(await imageBytesOf(index))).toBe(true);
      const title = deck.slides[index]!.title.replace(/&/g, "&amp;");
      expect(xml).toContain(`descr="${title}"`);
      // Fitted to the 4:3 page: the 1344x1008 image fills it.
      expect(xml).toMatch(new RegExp(`<a:ext cx="${10 * EMU_PER_INCH}" cy="${7.5 * EMU_PER_INCH}"/>`));
    }
  });

  test("speaker notes hold the slide's text and its image prompt", () => {
    const notes = (number: number) => entry(entries, `ppt/notesSlides/notesSlide${number}.xml`).toString("utf8");
    expect(notes(1)).toContain("Trade doubled.");
    expect(notes(1)).toContain("Image prompt: A busy harbour");
    expect(notes(2)).toContain("Stalls in the rain.");
    expect(notes(2)).toContain(`Image prompt: ${deck.slides[1]!.imagePrompt.slice(0, 40).replace(/"/g, "&quot;")}`);
  });

  test("a slide without an image shows its title and no picture", () => {
    const xml = entry(entries, "ppt/slides/slide3.xml").toString("utf8");
    expect(xml).not.toContain("<p:pic>");
    expect(xml).toContain("Ünïcödé → 終わり");
    expect(entry(entries, "ppt/notesSlides/notesSlide3.xml").toString("utf8")).toContain("Image prompt: A closing curtain");
  });
});

describe("PDF", () => {
  test("has one 4:3 page per slide and carries the deck's title", async () => {
    const pdf = await PDFDocument.load(await exported("pdf"));
    expect(pdf.getPageCount()).toBe(3);
    for (const page of pdf.getPages()) expect(page.getSize()).toEqual({ width: 720, height: 540 });
    expect(pdf.getTitle()).toBe("Growth & <Risks>");
  });

  test("embeds the images of the slides that have one", async () => {
    const bytes = await exported("pdf");
    // One image XObject per slide with an image (the titled page draws text only).
    expect(bytes.toString("latin1").match(/\/Subtype \/Image/g)).toHaveLength(2);
  });
});

describe("zip", () => {
  test("holds every current image and a manifest with its exact parameters", async () => {
    const entries = readZip(await exported("zip"));
    const manifest = JSON.parse(entry(entries, "manifest.json").toString("utf8"));
    expect(manifest).toMatchObject({
      format: "storyforge-deck",
      version: 1,
      deck: { id: deck.id, title: "Growth & <Risks>", aspectRatio: "4:3", stylePrompt: deck.stylePrompt },
    });
    expect(manifest.slides).toHaveLength(3);
    for (const index of [0, 1]) {
      const slide = manifest.slides[index];
      const image = deck.slides[index]!.images[0]!;
      expect(slide.image).toMatchObject({
        version: 1,
        width: 1344,
        height: 1008,
        parameters: { provider: "offline", model: image.model, size: image.size, prompt: image.prompt, style: image.style, seed: image.seed },
      });
      expect(entry(entries, slide.image.file).equals(await imageBytesOf(index))).toBe(true);
    }
    expect(manifest.slides[2]).toMatchObject({ position: 3, title: "Ünïcödé → 終わり", image: null });
    expect(manifest.slides[0].image.file).toBe("images/001-harbour-ships.png");
  });
});

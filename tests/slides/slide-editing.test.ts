// Changing a deck after it was created, through the slides router on a real engine: a slide's
// title, text and prompt (refused with a clear message only while that slide is still to render in
// the deck's run), then regenerate with the new prompt; adding, removing and moving slides; and
// NOT_FOUND for a user of another team from every one of these procedures.
import fs from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { SLIDE_IMAGE_OWNER } from "@/server/features/slides/slides-pipeline";
import type { ImageModel } from "@/server/providers/types";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, deckForm, offlineProviders, type SlidesTestServices } from "../helpers/slides-services";

let database: TestDatabase;
let alice: TestUser;
let bob: TestUser;
let testServices: SlidesTestServices;

/** Offline providers whose renders of a prompt containing "[held]" wait until released. */
function heldPromptProviders() {
  const offline = offlineProviders();
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const image: ImageModel = {
    provider: offline.image.provider,
    model: offline.image.model,
    async renderImage(request) {
      if (request.prompt.includes("[held]")) await released;
      return offline.image.renderImage(request);
    },
  };
  return { providers: { ...offline, image }, release };
}

const held = heldPromptProviders();

test.beforeAll(async ({ database: fileDatabase, alice: owner, bob: outsider }) => {
  [database, alice, bob] = [fileDatabase, owner, outsider];
});

beforeAll(() => {
  testServices = createSlidesTestServices({ db: database.db, providers: held.providers, engineSettings: { maxWorkers: 4 } });
});
afterAll(async () => {
  held.release();
  await testServices.close();
});

const caller = () => testServices.caller(alice);

async function renderedDeck(count: number) {
  const form = deckForm(count);
  const { deckId, runId } = await caller().slides.create({ ...form, slides: form.slides.map((slide) => ({ ...slide, imagePrompt: `A picture of ${slide.title}` })) });
  await testServices.services.engine.waitForRun(runId);
  return caller().slides.get({ deckId });
}

/** An input the schema refused, naming the field and the message the form shows beside it. */
const refused = (field: string, message: string) => ({
  code: "BAD_REQUEST",
  cause: { issues: expect.arrayContaining([expect.objectContaining({ path: [field], message })]) },
});

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("editing a slide", () => {
  test("saves its title, text and prompt, and a regenerate renders the new prompt as a new version", async () => {
    const deck = await renderedDeck(2);
    const slide = deck.slides[1]!;
    await caller().slides.updateSlide({ deckId: deck.id, slideId: slide.id, title: "  Harbour opening ", text: "Ships arrive at dawn.", imagePrompt: "A harbour with ships" });
    const saved = (await caller().slides.get({ deckId: deck.id })).slides[1]!;
    expect(saved).toMatchObject({ title: "Harbour opening", text: "Ships arrive at dawn.", imagePrompt: "A harbour with ships", promptWritten: false });
    // Saving changes the words, not the picture: the image is still the one rendered before.
    expect(saved.images).toHaveLength(1);

    const { runId } = await caller().slides.regenerateSlide({ deckId: deck.id, slideId: slide.id });
    await testServices.services.engine.waitForRun(runId);
    const regenerated = (await caller().slides.get({ deckId: deck.id })).slides[1]!;
    expect(regenerated.images.map((image) => [image.version, image.prompt])).toEqual([
      [1, "A picture of Slide 2"],
      [2, "A harbour with ships"],
    ]);
    expect(regenerated.currentImageId).toBe(regenerated.images[1]!.id);
  });

  test("names the field and the limit of an edit it refuses, and saves nothing", async () => {
    const deck = await renderedDeck(1);
    const slideId = deck.slides[0]!.id;
    await expect(caller().slides.updateSlide({ deckId: deck.id, slideId, title: "   " })).rejects.toMatchObject(refused("title", "Every slide needs a title"));
    await expect(caller().slides.updateSlide({ deckId: deck.id, slideId, text: "x".repeat(4_001) })).rejects.toMatchObject(
      refused("text", "A slide's text has at most 4,000 characters"),
    );
    await expect(caller().slides.updateSlide({ deckId: deck.id, slideId, imagePrompt: "p".repeat(2_001) })).rejects.toMatchObject(
      refused("imagePrompt", "An image prompt has at most 2,000 characters"),
    );
    expect((await caller().slides.get({ deckId: deck.id })).slides[0]!.title).toBe("Slide 1");
  });

  test("is refused while the deck's run still has to render that slide, and allowed for a slide it has finished", async () => {
    const form = deckForm(2);
    const slides = [
      { ...form.slides[0]!, imagePrompt: "A quick picture" },
      { ...form.slides[1]!, imagePrompt: "A slow picture [held]" },
    ];
    const { deckId, runId } = await caller().slides.create({ ...form, slides });
    const engine = testServices.services.engine;
    const deck = await caller().slides.get({ deckId });
    const [quick, slow] = deck.slides;
    // Slide 1 renders at once; slide 2 is held mid-render, so the run stays active.
    await eventually(async () => (await engine.getRun(runId))!.tasks.find((task) => task.key === `image:${quick!.id}`)?.status === "succeeded");

    await expect(caller().slides.updateSlide({ deckId, slideId: slow!.id, title: "Too late" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("This slide is waiting to render or rendering right now"),
    });
    await expect(caller().slides.removeSlide({ deckId, slideId: slow!.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await caller().slides.updateSlide({ deckId, slideId: quick!.id, title: "Edited during the run" });
    // Regenerating waits for the run: the deck has one run at a time.
    await expect(caller().slides.regenerateSlide({ deckId, slideId: quick!.id })).rejects.toMatchObject({ code: "CONFLICT" });

    held.release();
    expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    const after = await caller().slides.get({ deckId });
    expect(after.slides.map((slide) => slide.title)).toEqual(["Edited during the run", "Slide 2"]);
    await caller().slides.updateSlide({ deckId, slideId: slow!.id, title: "Now it can change" });
    expect((await caller().slides.get({ deckId })).slides[1]!.title).toBe("Now it can change");
  });
});

describe("arranging a deck's slides", () => {
  test("adds a slide where asked, without an image until it is rendered", async () => {
    const deck = await renderedDeck(2);
    const { slideId } = await caller().slides.addSlide({ deckId: deck.id, title: "Inserted", text: "Between the two.", position: 1 });
    const added = await caller().slides.get({ deckId: deck.id });
    expect(added.slides.map((slide) => [slide.position, slide.title])).toEqual([
      [1, "Slide 1"],
      [2, "Inserted"],
      [3, "Slide 2"],
    ]);
    expect(added.slides[1]).toMatchObject({ id: slideId, status: "idle", currentImageId: null, imagePrompt: "" });

    const appended = await caller().slides.addSlide({ deckId: deck.id, title: "Last" });
    expect((await caller().slides.get({ deckId: deck.id })).slides.at(-1)!.id).toBe(appended.slideId);

    // The deck's "render missing slides" renders the new ones, writing the prompt of the one without.
    const retried = await caller().slides.retryFailed({ deckId: deck.id });
    expect(retried.slides).toBe(2);
    await testServices.services.engine.waitForRun(retried.runId!);
    const rendered = await caller().slides.get({ deckId: deck.id });
    expect(rendered.slides.every((slide) => slide.currentImageId !== null)).toBe(true);
    expect(rendered.slides[1]!.promptWritten).toBe(true);
  });

  test("refuses a slide past the limit, and a slide without a title", async () => {
    const deck = await renderedDeck(1);
    await expect(caller().slides.addSlide({ deckId: deck.id, title: "" })).rejects.toMatchObject(refused("title", "Every slide needs a title"));
    await database.db.slide.createMany({
      data: Array.from({ length: 99 }, (_, index) => ({ id: `${deck.id}-filler-${index}`, deckId: deck.id, position: index + 1, title: `Filler ${index}` })),
    });
    await expect(caller().slides.addSlide({ deckId: deck.id, title: "One too many" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "A deck has at most 100 slides" });
  });

  test("removes a slide with its images and files, renumbers the rest, and keeps the last slide", async () => {
    const deck = await renderedDeck(3);
    const removed = deck.slides[1]!;
    const images = await database.db.image.findMany({ where: { ownerKind: SLIDE_IMAGE_OWNER, ownerId: removed.id } });
    const files = images.flatMap((image) => [image.file, image.thumbnailFile]).map((file) => testServices.services.images.pathOf(file));
    expect(files.every((file) => fs.existsSync(file))).toBe(true);

    await caller().slides.removeSlide({ deckId: deck.id, slideId: removed.id });
    const after = await caller().slides.get({ deckId: deck.id });
    expect(after.slides.map((slide) => [slide.position, slide.title])).toEqual([
      [1, "Slide 1"],
      [2, "Slide 3"],
    ]);
    expect(await database.db.slide.findMany({ where: { deckId: deck.id }, orderBy: { position: "asc" }, select: { position: true } })).toEqual([{ position: 0 }, { position: 1 }]);
    expect(await database.db.image.count({ where: { ownerKind: SLIDE_IMAGE_OWNER, ownerId: removed.id } })).toBe(0);
    expect(files.filter((file) => fs.existsSync(file))).toEqual([]);

    await caller().slides.removeSlide({ deckId: deck.id, slideId: after.slides[0]!.id });
    await expect(caller().slides.removeSlide({ deckId: deck.id, slideId: after.slides[1]!.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "A deck needs at least 1 slide: delete the deck instead",
    });
  });

  test("moves a slide up, down, and past the end (to the last place)", async () => {
    const deck = await renderedDeck(4);
    const titles = async () => (await caller().slides.get({ deckId: deck.id })).slides.map((slide) => slide.title);
    const [first, , third] = deck.slides;
    await caller().slides.moveSlide({ deckId: deck.id, slideId: third!.id, position: 0 });
    expect(await titles()).toEqual(["Slide 3", "Slide 1", "Slide 2", "Slide 4"]);
    await caller().slides.moveSlide({ deckId: deck.id, slideId: first!.id, position: 2 });
    expect(await titles()).toEqual(["Slide 3", "Slide 2", "Slide 1", "Slide 4"]);
    await caller().slides.moveSlide({ deckId: deck.id, slideId: third!.id, position: 99 });
    expect(await titles()).toEqual(["Slide 2", "Slide 1", "Slide 4", "Slide 3"]);
  });
});

describe("a user of another team", () => {
  test("gets NOT_FOUND from every way of changing slides, and changes nothing", async () => {
    const deck = await renderedDeck(2);
    const [slide, other] = deck.slides;
    const bobDeck = (await testServices.caller(bob).slides.create(deckForm(1))).deckId;
    const calls: Array<[string, (asBob: ReturnType<typeof testServices.caller>) => Promise<unknown>]> = [
      ["updateSlide", (asBob) => asBob.slides.updateSlide({ deckId: deck.id, slideId: slide!.id, title: "Stolen" })],
      ["addSlide", (asBob) => asBob.slides.addSlide({ deckId: deck.id, title: "Stolen" })],
      ["removeSlide", (asBob) => asBob.slides.removeSlide({ deckId: deck.id, slideId: slide!.id })],
      ["moveSlide", (asBob) => asBob.slides.moveSlide({ deckId: deck.id, slideId: slide!.id, position: 1 })],
      // His own deck with Alice's slide: the slide is not in his deck.
      ["removeSlide of Alice's slide in his deck", (asBob) => asBob.slides.removeSlide({ deckId: bobDeck, slideId: other!.id })],
      ["moveSlide of Alice's slide in his deck", (asBob) => asBob.slides.moveSlide({ deckId: bobDeck, slideId: other!.id, position: 0 })],
      ["updateSlide of Alice's slide in his deck", (asBob) => asBob.slides.updateSlide({ deckId: bobDeck, slideId: other!.id, title: "Stolen" })],
    ];
    for (const [name, call] of calls) {
      for (const asBob of [testServices.caller(bob), testServices.caller(bob, alice.teamId)]) {
        await expect(call(asBob), name).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
    }
    const after = await caller().slides.get({ deckId: deck.id });
    expect(after.slides.map(({ id, title }) => ({ id, title }))).toEqual(deck.slides.map(({ id, title }) => ({ id, title })));
  });
});

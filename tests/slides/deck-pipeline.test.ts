// Slide decks end to end through the slides router on a real engine: prompts written for slides
// without one, one image per slide at the deck's aspect ratio with the deck's style, workers
// clamped, limits named in errors, regenerate with versions, retry of failed slides only, cancel
// and delete. Offline providers, and the openai code against the fake provider server.
import fs from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { DECK_STYLE_PRESETS } from "@/server/features/slides/deck-input";
import { SLIDE_IMAGE_OWNER } from "@/server/features/slides/slides-pipeline";
import { createProviders } from "@/server/providers/create-providers";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, deckForm, fakeServerProviders, type SlidesTestServices } from "../helpers/slides-services";

let database: TestDatabase;
let alice: TestUser;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
});

describe("with the offline provider", () => {
  let testServices: SlidesTestServices;
  beforeAll(() => {
    testServices = createSlidesTestServices({ db: database.db, engineSettings: { defaultWorkers: 3, maxWorkers: 4 } });
  });
  afterAll(() => testServices.close());
  const caller = () => testServices.caller(alice);

  test("writes the missing prompts and renders one image per slide with the deck's style at its aspect ratio", async () => {
    const { deckId, runId } = await caller().slides.create(deckForm(4, { aspectRatio: "9:16", styleText: "teal accents" }));
    const run = await testServices.services.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.tasks.filter((task) => task.type === "slides.prompt")).toHaveLength(2);

    const deck = await caller().slides.get({ deckId });
    expect(deck.status).toBe("succeeded");
    expect(deck.stylePrompt).toBe(`${DECK_STYLE_PRESETS["flat-corporate"]}, teal accents`);
    expect(deck.slides.map((slide) => slide.position)).toEqual([1, 2, 3, 4]);
    for (const [index, slide] of deck.slides.entries()) {
      expect(slide.status).toBe("succeeded");
      expect(slide.promptWritten).toBe(index % 2 === 0);
      if (slide.promptWritten) expect(slide.imagePrompt).toContain(`"Slide ${index + 1}"`);
      expect(slide.images).toHaveLength(1);
      const [image] = slide.images;
      expect(slide.currentImageId).toBe(image!.id);
      expect(image).toMatchObject({ version: 1, width: 1024, height: 1792, style: deck.stylePrompt, prompt: slide.imagePrompt, quality: "standard" });
      const stored = await database.db.image.findUniqueOrThrow({ where: { id: image!.id } });
      expect(stored).toMatchObject({ ownerKind: SLIDE_IMAGE_OWNER, ownerId: slide.id, teamId: alice.teamId });
    }
  });

  test("clamps workers to BATCH_MAX_WORKERS, defaults to BATCH_DEFAULT_WORKERS, and keeps 1 as serial", async () => {
    const cases: Array<[number | undefined, number]> = [
      [50, 4],
      [undefined, 3],
      [1, 1],
    ];
    for (const [requested, expected] of cases) {
      const { deckId, runId } = await caller().slides.create(deckForm(1, { maxWorkers: requested }));
      await testServices.services.engine.waitForRun(runId);
      const deck = await caller().slides.get({ deckId });
      expect({ requested, deck: deck.maxWorkers, run: deck.run?.maxWorkers }).toEqual({ requested, deck: expected, run: expected });
    }
  });

  test("names the limit a deck breaks", async () => {
    await expect(caller().slides.create(deckForm(101))).rejects.toThrow("A deck has at most 100 slides");
    await expect(caller().slides.create(deckForm(1, { title: "x".repeat(201) }))).rejects.toThrow("A deck title has at most 200 characters");
    const longText = deckForm(1);
    longText.slides[0]!.text = "y".repeat(4001);
    await expect(caller().slides.create(longText)).rejects.toThrow("A slide's text has at most 4,000 characters");
    const outline = Array.from({ length: 101 }, (_, index) => `# Slide ${index + 1}`).join("\n");
    await expect(
      caller().slides.createFromOutline({ outline, stylePreset: "watercolor", aspectRatio: "16:9", quality: "standard" }),
    ).rejects.toThrow("A deck has at most 100 slides");
  });

  test("creates a deck from an outline, each heading a slide, titled by its first heading", async () => {
    const outline = ["# Why now", "The market turned.", "Prompt: a sunrise over a city", "", "## The plan", "- hire", "- build", "## Ask"].join("\n");
    const created = await caller().slides.createFromOutline({ outline, stylePreset: "blueprint", aspectRatio: "4:3", quality: "hd" });
    expect(created).toMatchObject({ slideCount: 3, warnings: [] });
    await testServices.services.engine.waitForRun(created.runId);
    const deck = await caller().slides.get({ deckId: created.deckId });
    expect(deck.title).toBe("Why now");
    expect(deck.slides.map(({ title, text, imagePrompt, promptWritten }) => ({ title, text, promptWritten, given: promptWritten ? null : imagePrompt }))).toEqual([
      { title: "Why now", text: "The market turned.", promptWritten: false, given: "a sunrise over a city" },
      { title: "The plan", text: "- hire\n- build", promptWritten: true, given: null },
      { title: "Ask", text: "", promptWritten: true, given: null },
    ]);
    expect(deck.slides[0]!.images[0]).toMatchObject({ width: 1344, height: 1008, quality: "hd" });
  });

  test("regenerates one slide with an edited prompt as a new version, keeps the old one, and switches back", async () => {
    const { deckId, runId } = await caller().slides.create(deckForm(3));
    await testServices.services.engine.waitForRun(runId);
    const before = await caller().slides.get({ deckId });
    const slide = before.slides[1]!;
    const regenerated = await caller().slides.regenerateSlide({ deckId, slideId: slide.id, imagePrompt: "A lighthouse in fog" });
    const run = await testServices.services.engine.waitForRun(regenerated.runId);
    expect(run.tasks.map((task) => task.key)).toEqual([`image:${slide.id}`]);

    const after = await caller().slides.get({ deckId });
    const changed = after.slides[1]!;
    expect(changed.imagePrompt).toBe("A lighthouse in fog");
    expect(changed.images.map((image) => [image.version, image.prompt])).toEqual([
      [1, slide.imagePrompt],
      [2, "A lighthouse in fog"],
    ]);
    expect(changed.currentImageId).toBe(changed.images[1]!.id);
    // The other slides are untouched by the regenerate.
    expect(after.slides[0]!.images).toHaveLength(1);
    expect(after.slides[0]!.status).toBe("succeeded");

    await caller().slides.setCurrentImage({ deckId, slideId: slide.id, imageId: changed.images[0]!.id });
    expect((await caller().slides.get({ deckId })).slides[1]!.currentImageId).toBe(changed.images[0]!.id);
    // Another slide's image is not a version of this slide.
    await expect(caller().slides.setCurrentImage({ deckId, slideId: slide.id, imageId: after.slides[0]!.images[0]!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  test("an edit of a slide's words clears a written prompt, so the next render writes it again", async () => {
    const { deckId, runId } = await caller().slides.create(deckForm(1));
    await testServices.services.engine.waitForRun(runId);
    const [slide] = (await caller().slides.get({ deckId })).slides;
    expect(slide!.promptWritten).toBe(true);
    await caller().slides.updateSlide({ deckId, slideId: slide!.id, title: "Northern growth" });
    const regenerated = await caller().slides.regenerateSlide({ deckId, slideId: slide!.id });
    const run = await testServices.services.engine.waitForRun(regenerated.runId);
    expect(run.tasks.map((task) => task.type)).toEqual(["slides.prompt", "slides.image"]);
    const [updated] = (await caller().slides.get({ deckId })).slides;
    expect(updated!.imagePrompt).toContain('"Northern growth"');
    expect(updated!.images).toHaveLength(2);
  });

  test("deleting a deck removes its slides, images and files", async () => {
    const { deckId, runId } = await caller().slides.create(deckForm(2));
    await testServices.services.engine.waitForRun(runId);
    const deck = await caller().slides.get({ deckId });
    const files = await database.db.image.findMany({ where: { ownerKind: SLIDE_IMAGE_OWNER, ownerId: { in: deck.slides.map((slide) => slide.id) } } });
    const paths = files.flatMap((image) => [image.file, image.thumbnailFile]).map((file) => testServices.services.images.pathOf(file));
    expect(paths.length).toBe(4);
    expect(paths.every((file) => fs.existsSync(file))).toBe(true);

    await caller().slides.delete({ deckId });
    await expect(caller().slides.get({ deckId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await database.db.slide.count({ where: { deckId } })).toBe(0);
    expect(await database.db.image.count({ where: { id: { in: files.map((image) => image.id) } } })).toBe(0);
    expect(paths.filter((file) => fs.existsSync(file))).toEqual([]);
  });
});

describe("with the fake provider server", () => {
  let fake: FakeProvider;
  let testServices: SlidesTestServices;
  beforeAll(async () => {
    fake = await startFakeProvider();
    fake.respondWith(offlineAnswers(OFFLINE_RESPONDERS));
    testServices = createSlidesTestServices({ db: database.db, providers: fakeServerProviders(fake.url), engineSettings: { maxWorkers: 8 } });
  });
  afterAll(async () => {
    await testServices.close();
    await fake.close();
  });
  const caller = () => testServices.caller(alice);
  const imageRequests = () => fake.attempts().filter((attempt) => attempt.path.endsWith("/images/generations"));

  test("one worker renders one slide at a time", async () => {
    fake.configure({ latencyMs: 40 });
    fake.reset();
    const slides = deckForm(4).slides.map((slide) => ({ ...slide, imagePrompt: `prompt for ${slide.title}` }));
    const { runId } = await caller().slides.create(deckForm(4, { slides, maxWorkers: 1 }));
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    expect(imageRequests()).toHaveLength(4);
    expect(fake.peakInFlight()).toBe(1);
    fake.configure({ latencyMs: 0 });
  });

  test("retries only the failed slides, in the same run, and renders each of them once more", async () => {
    const failing = new Set(["prompt for Slide 2", "prompt for Slide 4"]);
    const offline = offlineAnswers(OFFLINE_RESPONDERS);
    fake.respondWith((request) => {
      const prompt = String(request.body.prompt ?? "");
      if (request.path.endsWith("/images/generations") && [...failing].some((text) => prompt.startsWith(text))) {
        return { status: 400, body: { error: { message: "Your prompt was rejected", type: "invalid_request_error", param: null, code: null } } };
      }
      return offline(request);
    });
    fake.reset();
    const slides = deckForm(5).slides.map((slide) => ({ ...slide, imagePrompt: `prompt for ${slide.title}` }));
    const { deckId, runId } = await caller().slides.create(deckForm(5, { slides }));
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("failed");
    const failed = await caller().slides.get({ deckId });
    expect(failed.slides.map((slide) => slide.status)).toEqual(["succeeded", "failed", "succeeded", "failed", "succeeded"]);
    expect(failed.slides[1]!.error).toContain("rejected");

    failing.clear();
    fake.reset();
    expect(await caller().slides.retryFailed({ deckId })).toEqual({ runId, slides: 2 });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    expect(imageRequests().map((attempt) => attempt.status)).toEqual([200, 200]);
    const retried = await caller().slides.get({ deckId });
    expect(retried.slides.map((slide) => [slide.status, slide.images.length])).toEqual(Array.from({ length: 5 }, () => ["succeeded", 1]));
    expect(await caller().slides.retryFailed({ deckId })).toEqual({ runId: null, slides: 0 });
    fake.respondWith(offline);
  });

  test("through OpenRouter's code, a slide asks for the deck's aspect ratio as image_config.aspect_ratio", async () => {
    const openrouter = createProviders(
      parseEnv({ GENERATION_PROVIDER: "openrouter", OPENROUTER_API_KEY: "test-key", OPENROUTER_BASE_URL: fake.url, LLM_TIMEOUT_SECONDS: "10" }),
    );
    const viaOpenRouter = createSlidesTestServices({ db: database.db, providers: openrouter });
    const sent: unknown[] = [];
    const offline = offlineAnswers(OFFLINE_RESPONDERS);
    fake.respondWith((request) => {
      if (Array.isArray(request.body.modalities)) sent.push(request.body.image_config);
      return offline(request);
    });
    try {
      const slides = [{ title: "Tall", text: "", imagePrompt: "A lighthouse" }];
      const { deckId, runId } = await viaOpenRouter.caller(alice).slides.create(deckForm(1, { slides, aspectRatio: "9:16" }));
      expect((await viaOpenRouter.services.engine.waitForRun(runId)).status).toBe("succeeded");
      expect(sent).toEqual([{ aspect_ratio: "9:16" }]);
      const [slide] = (await viaOpenRouter.caller(alice).slides.get({ deckId })).slides;
      expect(slide!.images[0]).toMatchObject({ provider: "openrouter", size: "9:16", width: 768, height: 1344 });
    } finally {
      fake.respondWith(offline);
      await viaOpenRouter.close();
    }
  });

  test("cancel stops a deck that is rendering; its unfinished slides are cancelled", async () => {
    fake.configure({ latencyMs: 2_000 });
    const slides = deckForm(3).slides.map((slide) => ({ ...slide, imagePrompt: `slow ${slide.title}` }));
    const { deckId, runId } = await caller().slides.create(deckForm(3, { slides, maxWorkers: 1 }));
    const first = (await caller().slides.get({ deckId })).slides[0]!;
    await expect(caller().slides.regenerateSlide({ deckId, slideId: first.id, imagePrompt: "too early" })).rejects.toMatchObject({ code: "CONFLICT" });
    // Refused before anything was saved.
    expect((await caller().slides.get({ deckId })).slides[0]!.imagePrompt).toBe(first.imagePrompt);
    await caller().slides.cancel({ deckId });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("cancelled");
    const deck = await caller().slides.get({ deckId });
    expect(deck.slides.map((slide) => slide.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
    fake.configure({ latencyMs: 0 });
  });
});

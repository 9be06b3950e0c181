// The story pipeline end to end through the story and runs routers: a real engine, real image
// files on disk, the offline provider on the sample stories, and the openai provider code talking
// to the fake provider server over HTTP (rate limits, server errors, permanent failures, slowness).
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { vi } from "vitest";
import { parseEnv } from "@/server/env";
import { exportProject } from "@/server/features/story/project-export";
import type { CreateProjectInput } from "@/server/features/story/project-input";
import { storyOfflineResponders } from "@/server/features/story/story-offline";
import { SCENE_IMAGE_OWNER } from "@/server/features/story/story-pipeline";
import { createProviders } from "@/server/providers/create-providers";
import type { ImageModel, Providers } from "@/server/providers/types";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { readZip } from "../helpers/zip";
import { createStoryTestServices, type StoryCaller, type StoryTestServices } from "../helpers/story-services";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const sampleStory = (name: string) => fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/stories", `${name}.txt`), "utf8");

function projectInput(overrides: Partial<CreateProjectInput> = {}): CreateProjectInput {
  return {
    title: "The Lighthouse Keeper",
    story: sampleStory("lighthouse-keeper"),
    sceneCount: 4,
    stylePreset: "storybook",
    size: "1024x1024",
    quality: "standard",
    reviewPrompts: false,
    ...overrides,
  };
}

let database: TestDatabase;
let alice: TestUser;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
});

/**
 * Offline providers whose image calls can be held back, so a test can act while a run is
 * certainly still active. Open by default.
 */
function offlineProvidersWithImageGate() {
  const offline = createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: storyOfflineResponders });
  let gate: { opened: Promise<void>; open: () => void } | null = null;
  const image: ImageModel = {
    provider: offline.image.provider,
    model: offline.image.model,
    async renderImage(request) {
      while (gate) await gate.opened;
      return offline.image.renderImage(request);
    },
  };
  const providers: Providers = { ...offline, image };
  return {
    providers,
    holdImages() {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    releaseImages() {
      const current = gate;
      gate = null;
      current?.open();
    },
  };
}

async function sceneIdsOf(projectId: string): Promise<string[]> {
  return (await database.db.storyScene.findMany({ where: { projectId }, select: { id: true } })).map((scene) => scene.id);
}

async function imageFilesOf(testServices: StoryTestServices, projectId: string): Promise<string[]> {
  const images = await database.db.image.findMany({
    where: { ownerKind: SCENE_IMAGE_OWNER, ownerId: { in: await sceneIdsOf(projectId) } },
    select: { file: true, thumbnailFile: true },
  });
  return images.flatMap((image) => [image.file, image.thumbnailFile]).map((file) => testServices.services.images.pathOf(file));
}

describe("with the offline provider", () => {
  const gate = offlineProvidersWithImageGate();
  let testServices: StoryTestServices;
  let caller: StoryCaller;

  test.beforeAll(() => {
    testServices = createStoryTestServices({ db: database.db, providers: gate.providers });
    caller = testServices.caller(alice);
  });
  test.afterAll(async () => {
    gate.releaseImages();
    await testServices.close();
  });

  async function createAndWait(overrides: Partial<CreateProjectInput> = {}) {
    const created = await caller.story.create(projectInput(overrides));
    const run = await testServices.services.engine.waitForRun(created.runId);
    return { ...created, run };
  }

  test("turns a story into scenes with prompts and one stored PNG each, and finds the story's characters", async () => {
    const { projectId, runId, run } = await createAndWait({ size: "1792x1024" });
    expect(run.status).toBe("succeeded");

    const project = await caller.story.get({ projectId });
    expect(project.run).toEqual({ id: runId, status: "succeeded" });
    expect(project.characters.map((character) => character.name)).toEqual(
      expect.arrayContaining(["Maren Holt", "Pip Calloway", "Elias Brook"]),
    );
    expect(project.scenes).toHaveLength(4);
    for (const scene of project.scenes) {
      expect(scene.imagePrompt?.length).toBeGreaterThan(0);
      expect(scene.images).toHaveLength(1);
      const [image] = scene.images;
      expect(scene.currentImageId).toBe(image!.id);
      expect(image).toMatchObject({ version: 1, provider: "offline", model: "offline-image", size: "1792x1024", quality: "standard", width: 1792, height: 1024 });
      expect(image!.prompt).toContain(scene.imagePrompt);
      expect(typeof image!.seed).toBe("number");

      const stored = await testServices.services.db.image.findUniqueOrThrow({ where: { id: image!.id } });
      expect(stored).toMatchObject({ teamId: alice.teamId, ownerKind: SCENE_IMAGE_OWNER, ownerId: scene.id, version: 1 });
      const bytes = fs.readFileSync(testServices.services.images.pathOf(stored.file));
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const metadata = await sharp(bytes).metadata();
      expect({ format: metadata.format, width: metadata.width, height: metadata.height }).toEqual({ format: "png", width: 1792, height: 1024 });
    }
    expect(new Set(project.scenes.map((scene) => scene.images[0]!.seed)).size).toBe(4);

    const listed = (await caller.story.list()).find((entry) => entry.id === projectId);
    expect(listed).toMatchObject({ status: "succeeded", sceneCount: 4, coverImageId: project.scenes[0]!.currentImageId });
  });

  test("with reviewPrompts the run writes prompts but renders nothing until renderAll", async () => {
    const { projectId, run } = await createAndWait({ title: "Clocks", story: sampleStory("market-of-clocks"), sceneCount: 3, reviewPrompts: true });
    expect(run.status).toBe("succeeded");
    expect(run.tasks.filter((task) => task.kind === "image")).toEqual([]);

    const reviewed = await caller.story.get({ projectId });
    expect(reviewed.scenes).toHaveLength(3);
    for (const scene of reviewed.scenes) {
      expect(scene.imagePrompt?.length).toBeGreaterThan(0);
      expect(scene.images).toEqual([]);
      expect(scene.currentImageId).toBeNull();
    }
    expect((await caller.story.list()).find((entry) => entry.id === projectId)?.coverImageId).toBeNull();

    const { runId } = await caller.story.renderAll({ projectId });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const rendered = await caller.story.get({ projectId });
    for (const scene of rendered.scenes) {
      expect(scene.images.map((image) => image.version)).toEqual([1]);
      expect(scene.currentImageId).toBe(scene.images[0]!.id);
      expect(scene.images[0]!.prompt).toContain(scene.imagePrompt);
    }
  });

  test("an edited prompt renders as version 2, version 1 is kept and can be made current again", async () => {
    const { projectId } = await createAndWait({ title: "Clocks", story: sampleStory("market-of-clocks"), sceneCount: 2 });
    const before = await caller.story.get({ projectId });
    const [scene, otherScene] = before.scenes;
    const first = scene!.images[0]!;

    const imagePrompt = "Ada Quill repairs a brass clock under a dirty glass roof, noon light the colour of weak tea";
    await caller.story.updateScene({ projectId, sceneId: scene!.id, imagePrompt, negativePrompt: "blurry", styleTags: ["ink wash"] });
    const { runId } = await caller.story.regenerateScene({ projectId, sceneId: scene!.id });
    const run = await testServices.services.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.tasks.map((task) => task.key)).toEqual([`image:${scene!.id}`]);

    const after = await caller.story.get({ projectId });
    const edited = after.scenes.find((candidate) => candidate.id === scene!.id)!;
    expect(edited.images.map((image) => image.version)).toEqual([1, 2]);
    const second = edited.images[1]!;
    expect(edited.currentImageId).toBe(second.id);
    expect(edited.images[0]).toEqual(first);
    expect(second.prompt).toContain(imagePrompt);
    expect(second.prompt).toContain("ink wash");
    expect(second.negativePrompt).toBe("blurry");
    expect(second.seed).not.toBe(first.seed);
    for (const file of await imageFilesOf(testServices, projectId)) expect(fs.existsSync(file)).toBe(true);
    expect(after.scenes.find((candidate) => candidate.id === otherScene!.id)).toEqual(otherScene);

    await caller.story.setCurrentImage({ projectId, sceneId: scene!.id, imageId: first.id });
    expect((await caller.story.get({ projectId })).scenes.find((candidate) => candidate.id === scene!.id)?.currentImageId).toBe(first.id);
    await expect(
      caller.story.setCurrentImage({ projectId, sceneId: otherScene!.id, imageId: second.id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("regenerating while the project's run is active is a CONFLICT", async () => {
    const { projectId } = await createAndWait({ title: "Clocks", story: sampleStory("market-of-clocks"), sceneCount: 2 });
    const [scene, otherScene] = (await caller.story.get({ projectId })).scenes;

    gate.holdImages();
    let runId: string;
    try {
      ({ runId } = await caller.story.regenerateScene({ projectId, sceneId: scene!.id }));
      const conflict = { code: "CONFLICT", message: expect.stringMatching(/still generating/) };
      await expect(caller.story.regenerateScene({ projectId, sceneId: otherScene!.id })).rejects.toMatchObject(conflict);
      await expect(caller.story.regenerateScene({ projectId, sceneId: scene!.id })).rejects.toMatchObject(conflict);
      await expect(caller.story.renderAll({ projectId })).rejects.toMatchObject(conflict);
      await expect(caller.story.retryFailed({ projectId })).rejects.toMatchObject({ code: "CONFLICT" });
    } finally {
      gate.releaseImages();
    }
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const after = await caller.story.get({ projectId });
    expect(after.scenes.map((candidate) => candidate.images.length)).toEqual([2, 1]);
  });

  test("changing a character's traits rewrites and re-renders only the scenes with that character", async () => {
    const { projectId } = await createAndWait();
    const before = await caller.story.get({ projectId });
    const withCharacter = (name: string) =>
      before.scenes.filter((scene) => scene.charactersPresent.includes(name) || scene.charactersInScene.includes(name)).map((scene) => scene.id);
    // A character seen in some scenes but not all, so the test can tell affected from unaffected.
    const elias = before.characters.find((character) => character.name === "Elias Brook")!;
    const affected = withCharacter(elias.name);
    expect(affected.length).toBeGreaterThan(0);
    expect(affected.length).toBeLessThan(before.scenes.length);

    const characters = before.characters.map((character) =>
      character.id === elias.id ? { ...character, visualTraits: [...character.visualTraits, "blue oilskin cloak"] } : character,
    );
    const result = await caller.story.updateCharacters({ projectId, characters });
    expect(result.affectedScenes).toBe(affected.length);
    const run = await testServices.services.engine.waitForRun(result.runId!);
    expect(run.status).toBe("succeeded");
    expect(run.tasks.map((task) => task.key).sort()).toEqual(affected.flatMap((id) => [`image:${id}`, `prompt:${id}`]).sort());

    const after = await caller.story.get({ projectId });
    for (const scene of after.scenes) {
      const previous = before.scenes.find((candidate) => candidate.id === scene.id)!;
      if (affected.includes(scene.id)) {
        expect(scene.imagePrompt).toContain("blue oilskin cloak");
        expect(scene.images.map((image) => image.version)).toEqual([1, 2]);
        expect(scene.currentImageId).toBe(scene.images[1]!.id);
        expect(scene.images[1]!.prompt).toContain("blue oilskin cloak");
      } else {
        expect(scene).toEqual(previous);
      }
    }
    expect(after.characters.find((character) => character.id === elias.id)?.visualTraits).toContain("blue oilskin cloak");
  });

  test("renaming a character renames it in its scenes and rewrites only their prompts", async () => {
    const { projectId } = await createAndWait();
    const before = await caller.story.get({ projectId });
    const tobias = before.characters.find((character) => character.name === "Tobias Wren")!;
    const affected = before.scenes.filter((scene) => scene.charactersPresent.includes("Tobias Wren")).map((scene) => scene.id);
    expect(affected.length).toBeGreaterThan(0);
    expect(affected.length).toBeLessThan(before.scenes.length);

    const characters = before.characters.map((character) => (character.id === tobias.id ? { ...character, name: "Tobias Marsh" } : character));
    const result = await caller.story.updateCharacters({ projectId, characters });
    expect(result.affectedScenes).toBe(affected.length);
    expect((await testServices.services.engine.waitForRun(result.runId!)).status).toBe("succeeded");

    const after = await caller.story.get({ projectId });
    expect(after.characters.map((character) => character.name)).toEqual(before.characters.map((character) => (character.id === tobias.id ? "Tobias Marsh" : character.name)));
    for (const scene of after.scenes) {
      const names = [...scene.charactersPresent, ...scene.charactersInScene];
      expect(names).not.toContain("Tobias Wren");
      expect(scene.imagePrompt).not.toContain("Tobias Wren");
      if (affected.includes(scene.id)) {
        expect(scene.charactersPresent).toContain("Tobias Marsh");
        expect(scene.imagePrompt).toContain("Tobias Marsh");
        expect(scene.images).toHaveLength(2);
      } else {
        expect(scene.images).toHaveLength(1);
        expect(scene.imagePrompt).toBe(before.scenes.find((candidate) => candidate.id === scene.id)!.imagePrompt);
      }
    }
  });

  test.each([
    ["an empty story", { story: "   " }, "Paste the story to illustrate"],
    ["a story over 100,000 characters", { story: "word ".repeat(20_001) }, "The story is too long: at most 100,000 characters"],
    ["sceneCount 0", { sceneCount: 0 }, "At least 1 scene"],
    ["sceneCount 51", { sceneCount: 51 }, "At most 50 scenes"],
  ] satisfies Array<[string, Partial<CreateProjectInput>, string]>)("%s is a BAD_REQUEST that says why, and creates nothing", async (_name, overrides, message) => {
    const counts = async () => ({
      projects: await database.db.storyProject.count(),
      runs: await database.db.run.count(),
    });
    const before = await counts();
    await expect(caller.story.create(projectInput(overrides))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(message),
    });
    expect(await counts()).toEqual(before);
  });

  test("delete removes the project, its scenes, its images and their files", async () => {
    const { projectId } = await createAndWait({ sceneCount: 2 });
    const sceneIds = await sceneIdsOf(projectId);
    const files = await imageFilesOf(testServices, projectId);
    expect(files).toHaveLength(4); // a PNG and a thumbnail per scene
    for (const file of files) expect(fs.existsSync(file)).toBe(true);

    await caller.story.delete({ projectId });
    for (const file of files) expect(fs.existsSync(file)).toBe(false);
    await expect(caller.story.get({ projectId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await database.db.storyScene.count({ where: { projectId } })).toBe(0);
    expect(await database.db.image.count({ where: { ownerId: { in: sceneIds } } })).toBe(0);
    expect((await caller.story.list()).map((entry) => entry.id)).not.toContain(projectId);
  });

  test("exportProject zips the current PNG of every scene with a manifest of prompts and parameters", async () => {
    const { projectId } = await createAndWait({ title: "Clocks at Noon", story: sampleStory("market-of-clocks"), sceneCount: 3 });
    const project = await caller.story.get({ projectId });

    const { fileName, stream } = await exportProject(testServices.services.db, testServices.services.images, alice.id, projectId);
    expect(fileName).toBe("clocks-at-noon.zip");
    const zip = Buffer.from(await new Response(stream).arrayBuffer());
    const entries = new Map(readZip(zip).map((entry) => [entry.name, entry.data]));

    const pngNames = [...entries.keys()].filter((name) => name.endsWith(".png"));
    expect([...entries.keys()].sort()).toEqual(["manifest.json", ...pngNames].sort());
    expect(pngNames).toHaveLength(project.scenes.length);

    const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8")) as {
      project: { id: string; title: string };
      scenes: Array<{
        position: number;
        title: string;
        prompt: { imagePrompt: string };
        image: { file: string; version: number; parameters: Record<string, unknown> } | null;
      }>;
    };
    expect(manifest.project).toMatchObject({ id: projectId, title: "Clocks at Noon" });
    expect(manifest.scenes).toHaveLength(project.scenes.length);
    for (const [index, scene] of project.scenes.entries()) {
      const listed = manifest.scenes[index]!;
      const image = scene.images.find((candidate) => candidate.id === scene.currentImageId)!;
      expect(listed).toMatchObject({ position: index + 1, title: scene.title, prompt: { imagePrompt: scene.imagePrompt } });
      expect(listed.image?.version).toBe(image.version);
      expect(listed.image?.parameters).toMatchObject({
        provider: image.provider,
        model: image.model,
        size: image.size,
        quality: image.quality,
        prompt: image.prompt,
        seed: image.seed,
      });
      // The zipped file is the stored image, byte for byte.
      const stored = await testServices.services.db.image.findUniqueOrThrow({ where: { id: image.id } });
      expect(entries.get(listed.image!.file)?.equals(fs.readFileSync(testServices.services.images.pathOf(stored.file)))).toBe(true);
    }
  });
});

describe("with the openai provider against the fake provider server", () => {
  let fake: FakeProvider;
  let testServices: StoryTestServices;
  let caller: StoryCaller;

  test.beforeAll(async () => {
    fake = await startFakeProvider({ latencyMs: 5 });
    const providers = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.url }));
    // Rate limits and injected failures both use up attempts; give each call enough of them.
    testServices = createStoryTestServices({
      db: database.db,
      providers,
      engineSettings: { retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 50 } },
    });
    caller = testServices.caller(alice);
  });
  test.afterAll(async () => {
    await testServices.close();
    await fake.close();
  });

  function healthy(settings: Parameters<FakeProvider["configure"]>[0] = {}) {
    fake.configure({ latencyMs: 5, timeScale: 1, rateLimit: null, failureRate: 0, failureStatus: 500, hangRate: 0, malformedRate: 0, seed: 1, ...settings });
    fake.respondWith(null);
    fake.reset();
  }

  const statuses = () => fake.attempts().map((attempt) => attempt.status);

  test("every scene ends with an image through 429s and injected server errors", async () => {
    // Seed 1 fails the very first request (the analysis, which always finds a token in the bucket).
    healthy({ seed: 1, failureRate: 0.3, rateLimit: { ratePerSecond: 40, burst: 1 } });
    const { projectId, runId } = await caller.story.create(projectInput());
    const run = await testServices.services.engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");

    const project = await caller.story.get({ projectId });
    expect(project.scenes.length).toBeGreaterThan(1);
    for (const scene of project.scenes) {
      expect(scene.images).toHaveLength(1);
      expect(scene.currentImageId).toBe(scene.images[0]!.id);
      expect(scene.images[0]).toMatchObject({ provider: "openai", model: "dall-e-3", size: "1024x1024", width: 1024, height: 1024 });
    }
    expect(statuses()).toContain(429);
    expect(statuses().some((status) => status !== null && status >= 500)).toBe(true);
    expect(run.metrics?.rateLimited).toBeGreaterThan(0);
  });

  test("retryFailed after permanent image failures renders only the scenes that failed", async () => {
    healthy();
    let imageRequests = 0;
    fake.respondWith((request) => {
      if (request.path !== "/v1/images/generations" || ++imageRequests > 1) return undefined;
      return { status: 400, body: { error: { message: "This prompt was refused.", type: "invalid_request_error", param: null, code: null } } };
    });
    const { projectId, runId } = await caller.story.create(projectInput());
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("failed");

    const failed = await caller.story.get({ projectId });
    expect(failed.run?.status).toBe("failed");
    const unrendered = failed.scenes.filter((scene) => scene.currentImageId === null);
    const rendered = failed.scenes.filter((scene) => scene.currentImageId !== null);
    expect(unrendered).toHaveLength(1);
    expect(rendered.length).toBeGreaterThan(0);

    healthy();
    const retried = await caller.story.retryFailed({ projectId });
    expect(retried).toEqual({ requeued: 1, runId });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");

    const after = await caller.story.get({ projectId });
    for (const scene of after.scenes) {
      expect(scene.images).toHaveLength(1);
      expect(scene.currentImageId).toBe(scene.images[0]!.id);
    }
    for (const scene of rendered) expect(after.scenes.find((candidate) => candidate.id === scene.id)?.images).toEqual(scene.images);
    expect(fake.attempts().map((attempt) => attempt.path)).toEqual(["/v1/images/generations"]);
  });

  test("cancel ends a slow run as cancelled and aborts the calls in flight", async () => {
    healthy({ latencyMs: 60_000 });
    const { projectId, runId } = await caller.story.create(projectInput());
    await vi.waitFor(() => expect(fake.inFlight()).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });

    await caller.story.cancel({ projectId });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("cancelled");
    expect((await caller.story.get({ projectId })).run).toEqual({ id: runId, status: "cancelled" });
    await vi.waitFor(() => expect(fake.inFlight()).toBe(0), { timeout: 10_000, interval: 5 });
    expect(statuses().every((status) => status === null)).toBe(true);
    healthy();
  });
});

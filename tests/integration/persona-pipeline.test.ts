// A persona end to end through the persona and runs routers: a real engine, real files on disk, the
// offline provider, and the openai provider code against the fake provider server for the timing of
// the stages (4–7 start as soon as 1 ends, beside 2 → 3).
import fs from "node:fs";
import sharp from "sharp";
import { afterAll, beforeAll } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { storeUploads } from "@/server/features/persona/uploads";
import { createProviders } from "@/server/providers/create-providers";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaCaller, type PersonaTestServices } from "../helpers/persona-services";

const MAYA =
  "Maya Chen is a 29-year-old marine biologist from Lisbon who loves free diving, film photography and spicy food. " +
  "She is curious, stubborn and warm, and posts about ocean conservation.";

let database: TestDatabase;
let alice: TestUser;

test.beforeAll(({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
});

describe("with the offline provider", () => {
  let testServices: PersonaTestServices;
  let caller: PersonaCaller;

  beforeAll(() => {
    testServices = createPersonaTestServices({ db: database.db });
    caller = testServices.caller(alice);
  });
  afterAll(() => testServices.close());

  async function createAndWait(description = MAYA, options = {}) {
    const created = await caller.persona.createFromDescription({ description, options });
    const run = await testServices.services.engine.waitForRun(created.runId);
    return { ...created, run };
  }

  test("builds every stage from a description, with the names and traits the description gives", async () => {
    const { personaId, runId, run } = await createAndWait();
    expect(run.status).toBe("succeeded");
    const persona = await caller.persona.get({ personaId });
    expect(persona.run).toEqual({ id: runId, status: "succeeded" });
    expect(persona.grid.map((cell) => [cell.number, cell.stage, cell.status])).toEqual([
      [1, "core", "succeeded"],
      [2, "strategy", "succeeded"],
      [3, "posts", "succeeded"],
      [4, "network", "succeeded"],
      [5, "authenticity", "succeeded"],
      [6, "visual", "succeeded"],
      [7, "book", "succeeded"],
      [8, "avatar", "succeeded"],
    ]);
    const core = persona.stages.core.current!.data;
    expect(core).toMatchObject({ name: "Maya Chen", age: 29, pronouns: "she/her", occupation: "marine biologist", location: "Lisbon" });
    expect(core.personalityTraits).toEqual(expect.arrayContaining(["curious", "stubborn", "warm"]));
    expect(core.interests).toEqual(expect.arrayContaining(["free diving", "film photography"]));
    expect(persona.name).toBe("Maya Chen");
    expect(persona.posts.items).toHaveLength(10);
    expect(new Set(persona.posts.items.map((post) => post.current!.data.text)).size).toBe(10);
    expect(persona.stages.book.current!.data.entries).toHaveLength(6);
    expect(persona.stages.visual.current!.data.avatarPrompt).toContain("Maya Chen");

    const avatar = await database.db.image.findUniqueOrThrow({ where: { id: persona.avatar.imageId! } });
    expect(avatar).toMatchObject({ ownerKind: "persona", ownerId: personaId, version: 1, width: 1024, height: 1024 });
    expect((await sharp(fs.readFileSync(testServices.services.images.pathOf(avatar.file))).metadata()).format).toBe("png");

    const listed = (await caller.persona.list()).find((entry) => entry.id === personaId);
    expect(listed).toMatchObject({ name: "Maya Chen", status: "succeeded", avatarImageId: persona.avatar.imageId, source: "description" });
  });

  test("honours the options: posts, lorebook entries, no avatar", async () => {
    const { personaId } = await createAndWait("Kenji, 34, barista and amateur astronomer. Shy but funny.", { postCount: 3, lorebookEntryCount: 2, avatar: false });
    const persona = await caller.persona.get({ personaId });
    expect(persona.options).toMatchObject({ postCount: 3, lorebookEntryCount: 2, avatar: false, contentRating: "general" });
    expect(persona.posts.items).toHaveLength(3);
    expect(persona.stages.book.current!.data.entries).toHaveLength(2);
    expect(persona.avatar).toMatchObject({ status: "off", imageId: null });
    expect(persona.stages.core.current!.data).toMatchObject({ name: "Kenji", age: 34 });
  });

  test("edits a stage as a new version, refuses fields the stage's schema refuses, and restores an earlier version", async () => {
    const { personaId } = await createAndWait();
    const before = await caller.persona.get({ personaId });
    const edited = { ...before.stages.core.current!.data, name: "Maya C. Okafor", interests: ["kelp forests"] };
    expect(await caller.persona.updateStage({ personaId, stage: "core", data: edited })).toMatchObject({ version: 2 });
    const after = await caller.persona.get({ personaId });
    expect(after.name).toBe("Maya C. Okafor");
    expect(after.stages.core.versions.map((version) => [version.version, version.origin])).toEqual([
      [1, "generated"],
      [2, "edited"],
    ]);
    await expect(caller.persona.updateStage({ personaId, stage: "core", data: { ...edited, age: 12 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("age"),
    });
    const post = before.posts.items[0]!.current!.data;
    expect(await caller.persona.updatePost({ personaId, position: 0, data: { ...post, text: "Edited by hand." } })).toMatchObject({ version: 2 });
    await expect(caller.persona.updatePost({ personaId, position: 10, data: post })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await caller.persona.restoreVersion({ personaId, stage: "core", version: 1 });
    const restored = await caller.persona.get({ personaId });
    expect(restored.stages.core.current).toMatchObject({ version: 3, origin: "restored", data: before.stages.core.current!.data });
    expect(restored.name).toBe("Maya Chen");
    expect(restored.posts.items[0]).toMatchObject({ versions: 2, current: { origin: "edited", data: { text: "Edited by hand." } } });
  });

  test("regenerates one stage with the stages that read it, and one post alone", async () => {
    const { personaId } = await createAndWait();
    const { runId, stages } = await caller.persona.regenerateStage({ personaId, stage: "visual", withDependents: true });
    expect(stages).toEqual(["visual", "avatar"]);
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const persona = await caller.persona.get({ personaId });
    expect(persona.stages.visual.versions).toHaveLength(2);
    expect(persona.avatar.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(persona.stages.strategy.versions).toHaveLength(1);

    const single = await caller.persona.regenerateStage({ personaId, stage: "posts", position: 3 });
    await testServices.services.engine.waitForRun(single.runId);
    const posts = (await caller.persona.get({ personaId })).posts.items;
    expect(posts.map((post) => post.versions)).toEqual([1, 1, 1, 2, 1, 1, 1, 1, 1, 1]);
  });

  test("builds a persona from an uploaded picture through the vision model, reading its colours", async () => {
    const picture = await sharp({ create: { width: 600, height: 900, channels: 3, background: { r: 30, g: 120, b: 130 } } }).jpeg().toBuffer();
    const [upload] = await storeUploads(testServices.services, { userId: alice.id, teamId: alice.teamId }, [{ name: "teal.jpg", bytes: picture }]);
    if (!upload?.ok) throw new Error("The upload was refused");
    const { personaId, runId } = await caller.persona.createFromPicture({ uploadId: upload.uploadId, options: { postCount: 2 } });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const persona = await caller.persona.get({ personaId });
    expect(persona).toMatchObject({ source: "picture", sourceUploadId: upload.uploadId });
    expect(persona.stages.core.current!.data.appearance).toMatch(/teal/);
    expect(persona.stages.core.current!.data.backstory).toContain("upright portrait");
    await expect(caller.persona.createFromPicture({ uploadId: upload.uploadId, options: {} })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  test("deletes a persona with its stages, avatar images and uploaded picture", async () => {
    const { personaId } = await createAndWait();
    const files = testServices.storedFiles().length;
    await caller.persona.delete({ personaId });
    await expect(caller.persona.get({ personaId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await database.db.personaStage.count({ where: { personaId } })).toBe(0);
    expect(await database.db.image.count({ where: { ownerKind: "persona", ownerId: personaId } })).toBe(0);
    expect(testServices.storedFiles().length).toBe(files - 2);
  });
});

describe("with the openai provider against the fake provider server", () => {
  const LATENCY_MS = 60;
  let fake: FakeProvider;
  let testServices: PersonaTestServices;

  beforeAll(async () => {
    fake = await startFakeProvider({ latencyMs: LATENCY_MS });
    fake.respondWith(offlineAnswers(OFFLINE_RESPONDERS));
    const providers = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.url }));
    testServices = createPersonaTestServices({ db: database.db, providers });
  });
  afterAll(async () => {
    await testServices.close();
    await fake.close();
  });

  test("starts stages 4–7 as soon as stage 1 ends, beside 2 → 3, so the run takes its critical path", async () => {
    const caller = testServices.caller(alice);
    const startedAt = performance.now();
    const { personaId, runId } = await caller.persona.createFromDescription({ description: MAYA, options: { postCount: 4, avatar: false } });
    const run = await testServices.services.engine.waitForRun(runId);
    const makespan = performance.now() - startedAt;
    expect(run.status).toBe("succeeded");

    const events = await testServices.services.engine.eventsAfter(runId, 0);
    const seqOf = (type: string, stage: string) => events.find((event) => event.type === type && (event.payload as { key?: string }).key === `${personaId}:${stage}`)!.seq;
    const coreEnd = seqOf("task-end", "core");
    const strategyEnd = seqOf("task-end", "strategy");
    for (const stage of ["network", "authenticity", "visual", "book"]) {
      // Started with stage 2, right after stage 1's end: before stage 2 ended, and nothing but
      // other task starts between stage 1's end and it.
      const start = seqOf("task-start", stage);
      expect(start).toBeGreaterThan(coreEnd);
      expect(start).toBeLessThan(strategyEnd);
      expect(events.filter((event) => event.seq > coreEnd && event.seq < start).every((event) => event.type === "task-start")).toBe(true);
    }
    const tasks = new Map(run.tasks.map((task) => [task.key.split(":").slice(1).join(":"), task]));
    const ended = (stage: string) => tasks.get(stage)!.endedAt!.getTime();
    const began = (stage: string) => tasks.get(stage)!.startedAt!.getTime();
    for (const stage of ["network", "authenticity", "visual", "book", "strategy"]) expect(began(stage) - ended("core")).toBeLessThan(25);
    // The run ends with its critical path, S1 + max(S2 + S3, S4…S7), not later.
    const duration = (stage: string) => ended(stage) - began(stage);
    const posts = [0, 1, 2, 3].map((position) => duration(`post:${position}`));
    const criticalPath = duration("core") + Math.max(duration("strategy") + Math.max(...posts), ...["network", "authenticity", "visual", "book"].map(duration));
    expect(run.endedAt!.getTime() - run.startedAt!.getTime()).toBeLessThan(criticalPath * 1.05 + 40);
    expect(makespan).toBeGreaterThan(3 * LATENCY_MS);
  });

  test("sends an uploaded picture to the vision model as a data URL, and the answer reads its pixels", async () => {
    const picture = await sharp({ create: { width: 500, height: 800, channels: 3, background: { r: 190, g: 40, b: 40 } } }).png().toBuffer();
    const [upload] = await storeUploads(testServices.services, { userId: alice.id, teamId: alice.teamId }, [{ name: "red.png", bytes: picture }]);
    if (!upload?.ok) throw new Error("The upload was refused");
    fake.reset();
    const { personaId, runId } = await testServices.caller(alice).persona.createFromPicture({ uploadId: upload.uploadId, options: { postCount: 1, avatar: false } });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const core = (await testServices.caller(alice).persona.get({ personaId })).stages.core.current!.data;
    expect(core.appearance).toMatch(/red/);
    expect(core.backstory).toMatch(/upright portrait/);
  });
});

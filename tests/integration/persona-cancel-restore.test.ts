// Stopping a running batch of personas, and bringing back an earlier version of a stage, through
// the persona router on a real engine. A cancelled batch keeps what it finished, calls the provider
// no more, and can be retried; a restored version becomes the new current one, and the stages that
// read it are generated again only when asked; an earlier post or avatar comes back as the next version. Who may: the batch's creator and team managers;
// a plain member is FORBIDDEN, a user of another team gets NOT_FOUND.
import fs from "node:fs";
import { afterAll, beforeAll } from "vitest";
import type { TextModel } from "@/server/providers/types";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, offlineProviders, type PersonaTestServices } from "../helpers/persona-services";

let database: TestDatabase;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let testServices: PersonaTestServices;

/** Offline providers whose text calls wait while held (and give up when their task is cancelled). */
function heldTextProviders() {
  const offline = offlineProviders();
  let gate: { opened: Promise<void>; open: () => void } | null = null;
  let calls = 0;
  const text: TextModel = {
    provider: offline.text.provider,
    model: offline.text.model,
    async generateObject(request) {
      calls += 1;
      while (gate) {
        const aborted = new Promise<never>((_, reject) => request.signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
        await Promise.race([gate.opened, aborted]);
      }
      return offline.text.generateObject(request);
    },
  };
  return {
    providers: { ...offline, text },
    calls: () => calls,
    hold() {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gate = { opened, open };
    },
    release() {
      const current = gate;
      gate = null;
      current?.open();
    },
  };
}

const held = heldTextProviders();

test.beforeAll(async ({ database: fileDatabase, alice: owner, bob: outsider, carol: teammate }) => {
  [database, alice, bob, carol] = [fileDatabase, owner, outsider, teammate];
  await database.db.member.create({ data: { id: "carol-in-alices-team", organizationId: alice.teamId, userId: carol.id, role: "member", createdAt: new Date() } });
});

beforeAll(() => {
  testServices = createPersonaTestServices({ db: database.db, providers: held.providers });
});
afterAll(async () => {
  held.release();
  await testServices.close();
});

const asAlice = () => testServices.caller(alice);
const asCarol = () => testServices.caller(carol, alice.teamId);

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("cancelling a batch", () => {
  test("stops its run, keeps nothing half-done, calls the provider no more, and can be retried afterwards", async () => {
    held.hold();
    const { batchId, runId } = await asAlice().persona.batches.create({ text: "a sailor from Brest\na baker in Ghent\na poet in Porto", options: { postCount: 1, avatar: false } });
    const engine = testServices.services.engine;
    await eventually(async () => (await engine.getRun(runId))?.tasks.some((task) => task.status === "running") ?? false);

    await expect(asCarol().persona.batches.cancel({ batchId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const outsider of [testServices.caller(bob), testServices.caller(bob, alice.teamId)]) {
      await expect(outsider.persona.batches.cancel({ batchId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await engine.getRun(runId))?.status).toBe("running");

    expect(await asAlice().persona.batches.cancel({ batchId })).toEqual({ cancelledRuns: 1 });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    const callsAtCancel = held.calls();
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held.calls()).toBe(callsAtCancel);

    const batch = await asAlice().persona.batches.get({ batchId });
    expect(batch.run?.status).toBe("cancelled");
    expect(batch.counts).toMatchObject({ total: 3, done: 0, running: 0, failed: 0, cancelled: 3 });
    expect(batch.personas.map((persona) => persona.state)).toEqual(["cancelled", "cancelled", "cancelled"]);
    // Every stage the run had not finished ends cancelled ("off" is the avatar, turned off for this batch).
    expect(new Set(batch.personas.flatMap((persona) => persona.grid.map((cell) => cell.status)))).toEqual(new Set(["cancelled", "off"]));
    expect(await database.db.personaStage.count({ where: { persona: { batchId } } })).toBe(0);

    // Nothing is left to stop; the cancelled stages come back with a retry.
    expect(await asAlice().persona.batches.cancel({ batchId })).toEqual({ cancelledRuns: 0 });
    const retried = await asAlice().persona.batches.retryFailed({ batchId });
    expect(retried.personas).toBe(3);
    expect((await engine.waitForRun(retried.runId)).status).toBe("succeeded");
    expect((await asAlice().persona.batches.get({ batchId })).counts).toMatchObject({ done: 3, failed: 0, cancelled: 0 });
  });

  test("also stops a persona of the batch that was retried on its own", async () => {
    const { batchId, runId } = await asAlice().persona.batches.create({ text: "a cartographer in Lisbon", options: { postCount: 1, avatar: false } });
    const engine = testServices.services.engine;
    await engine.waitForRun(runId);
    const [entry] = (await asAlice().persona.batches.get({ batchId })).personas;
    held.hold();
    const own = await asAlice().persona.regenerateStage({ personaId: entry!.id, stage: "core", withDependents: true });
    await eventually(async () => (await engine.getRun(own.runId))?.status === "running");
    expect(await asAlice().persona.batches.cancel({ batchId })).toEqual({ cancelledRuns: 1 });
    expect((await engine.waitForRun(own.runId)).status).toBe("cancelled");
    held.release();
  });
});

describe("restoring an earlier version of a stage", () => {
  async function persona() {
    const { personaId, runId } = await asAlice().persona.createFromDescription({
      description: "Maya Chen, 29, a marine biologist in Vancouver who loves kayaking",
      options: { postCount: 1, lorebookEntryCount: 1 },
    });
    await testServices.services.engine.waitForRun(runId);
    const view = await asAlice().persona.get({ personaId });
    await asAlice().persona.updateStage({ personaId, stage: "core", data: { ...view.stages.core.current!.data, name: "Maya Edited" } });
    return { personaId, original: view };
  }

  test("makes it current as a new version and leaves the stages that read it as they are", async () => {
    const { personaId, original } = await persona();
    expect(await asAlice().persona.restoreVersion({ personaId, stage: "core", version: 1 })).toMatchObject({ version: 3, runId: null, stages: [] });
    const restored = await asAlice().persona.get({ personaId });
    expect(restored.stages.core.versions.map((version) => [version.version, version.origin])).toEqual([
      [1, "generated"],
      [2, "edited"],
      [3, "restored"],
    ]);
    expect(restored.stages.core.current!.data).toEqual(original.stages.core.current!.data);
    expect(restored.name).toBe(original.name);
    expect(restored.stages.strategy.versions).toHaveLength(1);
    expect(restored.avatar.versions).toHaveLength(1);
  });

  test("generates the stages that read it again from the restored version, when asked", async () => {
    const { personaId } = await persona();
    const restored = await asAlice().persona.restoreVersion({ personaId, stage: "core", version: 1, withDependents: true });
    expect(restored).toMatchObject({ version: 3, stages: ["strategy", "posts", "network", "authenticity", "visual", "book", "avatar"] });
    expect((await testServices.services.engine.waitForRun(restored.runId!)).status).toBe("succeeded");
    const view = await asAlice().persona.get({ personaId });
    expect(view.stages.core.versions).toHaveLength(3);
    for (const stage of ["strategy", "network", "authenticity", "visual", "book"] as const) expect(view.stages[stage].versions, stage).toHaveLength(2);
    expect(view.avatar.versions).toHaveLength(2);
  });

  test("saves nothing when the regeneration it asks for cannot start", async () => {
    const { personaId } = await persona();
    held.hold();
    const running = await asAlice().persona.regenerateStage({ personaId, stage: "book" });
    await expect(asAlice().persona.restoreVersion({ personaId, stage: "core", version: 1, withDependents: true })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await asAlice().persona.get({ personaId })).stages.core.versions).toHaveLength(2);
    held.release();
    await testServices.services.engine.waitForRun(running.runId);
  });

  test("is for those who may change the persona, and does not exist for other teams", async () => {
    const { personaId } = await persona();
    await expect(asCarol().persona.restoreVersion({ personaId, stage: "core", version: 1, withDependents: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const outsider of [testServices.caller(bob), testServices.caller(bob, alice.teamId)]) {
      await expect(outsider.persona.restoreVersion({ personaId, stage: "core", version: 1, withDependents: true })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await asAlice().persona.get({ personaId })).stages.core.versions).toHaveLength(2);
  });
});

describe("restoring an earlier version of a post", () => {
  test("lists the post's versions to every member and makes the chosen one current as a new version", async () => {
    const created = await asAlice().persona.createFromDescription({ description: "Noor Haddad, 27, a street photographer in Amman", options: { postCount: 2, lorebookEntryCount: 1, avatar: false } });
    await testServices.services.engine.waitForRun(created.runId);
    const { personaId } = created;
    const original = (await asAlice().persona.get({ personaId })).posts.items[1]!.current!.data;
    await asAlice().persona.updatePost({ personaId, position: 1, data: { ...original, text: "Rewritten by hand." } });

    const versions = await asCarol().persona.postVersions({ personaId, position: 1 });
    expect(versions.map((version) => [version.version, version.origin, version.data.text])).toEqual([
      [1, "generated", original.text],
      [2, "edited", "Rewritten by hand."],
    ]);
    expect(await asAlice().persona.restorePost({ personaId, position: 1, version: 1 })).toMatchObject({ version: 3 });
    const post = (await asAlice().persona.get({ personaId })).posts.items[1]!;
    expect(post).toMatchObject({ versions: 3, current: { version: 3, origin: "restored", data: original } });
    // The other post is untouched.
    expect((await asAlice().persona.get({ personaId })).posts.items[0]!.versions).toBe(1);

    await expect(asAlice().persona.restorePost({ personaId, position: 1, version: 9 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asAlice().persona.restorePost({ personaId, position: 5, version: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asCarol().persona.restorePost({ personaId, position: 1, version: 2 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const outsider of [testServices.caller(bob), testServices.caller(bob, alice.teamId)]) {
      await expect(outsider.persona.postVersions({ personaId, position: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(outsider.persona.restorePost({ personaId, position: 1, version: 2 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await asAlice().persona.get({ personaId })).posts.items[1]!.versions).toBe(3);
  });
});

describe("restoring an earlier avatar", () => {
  test("stores it again as the next version, which becomes the avatar; asking for the current one changes nothing", async () => {
    const engine = testServices.services.engine;
    const created = await asAlice().persona.createFromDescription({ description: "Ivo Brandt, 41, a ferry captain in Hamburg", options: { postCount: 1, lorebookEntryCount: 1 } });
    await engine.waitForRun(created.runId);
    const { personaId } = created;
    await engine.waitForRun((await asAlice().persona.regenerateStage({ personaId, stage: "avatar" })).runId);
    const before = await asAlice().persona.get({ personaId });
    const [first, second] = before.avatar.versions;
    expect(before.avatar.imageId).toBe(second!.imageId);

    const restored = await asAlice().persona.restoreAvatar({ personaId, imageId: first!.imageId });
    expect(restored.version).toBe(3);
    const after = await asAlice().persona.get({ personaId });
    expect(after.avatar.imageId).toBe(restored.imageId);
    expect(after.avatar.versions.map((version) => version.version)).toEqual([1, 2, 3]);
    const rows = await database.db.image.findMany({ where: { id: { in: [first!.imageId, restored.imageId] } } });
    const [original, copy] = [rows.find((row) => row.id === first!.imageId)!, rows.find((row) => row.id === restored.imageId)!];
    expect(copy.file).not.toBe(original.file);
    expect(copy.parameters).toEqual(original.parameters);
    const bytes = (file: string) => fs.readFileSync(testServices.services.images.pathOf(file));
    expect(bytes(copy.file).equals(bytes(original.file))).toBe(true);

    expect(await asAlice().persona.restoreAvatar({ personaId, imageId: restored.imageId })).toEqual(restored);
    expect((await asAlice().persona.get({ personaId })).avatar.versions).toHaveLength(3);
  });

  test("is for those who may change the persona, names only the persona's own avatars, and does not exist for other teams", async () => {
    const created = await asAlice().persona.createFromDescription({ description: "Lena Vogt, 35, a glassblower", options: { postCount: 1, lorebookEntryCount: 1 } });
    await testServices.services.engine.waitForRun(created.runId);
    const other = await asAlice().persona.createFromDescription({ description: "Pavel Novak, 52, a beekeeper", options: { postCount: 1, lorebookEntryCount: 1 } });
    await testServices.services.engine.waitForRun(other.runId);
    const imageId = (await asAlice().persona.get({ personaId: created.personaId })).avatar.imageId!;
    const input = { personaId: created.personaId, imageId };
    await expect(asCarol().persona.restoreAvatar(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const outsider of [testServices.caller(bob), testServices.caller(bob, alice.teamId)]) {
      await expect(outsider.persona.restoreAvatar(input)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // Another persona's avatar is not a version of this one.
    await expect(asAlice().persona.restoreAvatar({ personaId: other.personaId, imageId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await asAlice().persona.get({ personaId: created.personaId })).avatar.versions).toHaveLength(1);
  });
});

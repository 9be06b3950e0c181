// One failed stage never sinks the others: against the fake provider server, a stage whose calls
// fail for good ends failed with its reason, the stages that need it end skipped (and say why),
// everything else succeeds; retrying redoes only what failed and what it left skipped.
import { afterAll, beforeEach, vi } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { createProviders } from "@/server/providers/create-providers";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider, type FakeProvider, type FakeRequest } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaCaller, type PersonaTestServices } from "../helpers/persona-services";

const DESCRIPTION = "Ines Duarte, 41, a potter in Porto who loves sea swimming and old maps. Patient, dry and generous.";

let alice: TestUser;
let fake: FakeProvider;
let testServices: PersonaTestServices;
let caller: PersonaCaller;

const answers = offlineAnswers(OFFLINE_RESPONDERS);
const requestName = (request: FakeRequest) => (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;

/** Answers normally, except a permanent 400 for the named requests (and images, when asked). */
function failing(names: string[], images = false) {
  fake.respondWith((request) => {
    if ((images && request.path.endsWith("/images/generations")) || names.includes(requestName(request) ?? "")) {
      return { status: 400, body: { error: { message: "The fake provider refuses this request on purpose.", type: "invalid_request_error" } } };
    }
    return answers(request);
  });
}

test.beforeAll(async ({ database, alice: owner }) => {
  alice = owner;
  fake = await startFakeProvider({ latencyMs: 2 });
  const providers = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.url }));
  testServices = createPersonaTestServices({ db: database.db, providers });
  caller = testServices.caller(alice);
});
afterAll(async () => {
  await testServices.close();
  await fake.close();
});
beforeEach(() => fake.respondWith(answers));

async function create(options = {}) {
  const created = await caller.persona.createFromDescription({ description: DESCRIPTION, options: { postCount: 3, ...options } });
  await testServices.services.engine.waitForRun(created.runId);
  return created.personaId;
}

const statuses = async (personaId: string) =>
  Object.fromEntries((await caller.persona.get({ personaId })).grid.map((cell) => [cell.stage, cell.status]));

describe("a stage that fails", () => {
  test("fails alone: what needs it is skipped with the reason, the parallel stages succeed", async () => {
    failing(["persona-strategy"]);
    const personaId = await create();
    const persona = await caller.persona.get({ personaId });
    expect(persona.run?.status).toBe("failed");
    expect(Object.fromEntries(persona.grid.map((cell) => [cell.stage, cell.status]))).toEqual({
      core: "succeeded",
      strategy: "failed",
      posts: "skipped",
      network: "succeeded",
      authenticity: "succeeded",
      visual: "succeeded",
      book: "succeeded",
      avatar: "succeeded",
    });
    expect(persona.stages.strategy.reason).toMatch(/refuses this request on purpose/);
    expect(persona.posts.items.map((post) => post.reason)).toEqual(Array(3).fill("Skipped: Posting strategy (stage 2) failed"));
    expect(persona.posts.reason).toBe("3 of 3 posts were skipped: Skipped: Posting strategy (stage 2) failed");
    expect(persona.stages.network.current).not.toBeNull();
  });

  test("is retried alone, with the stages it left skipped; what succeeded is not redone", async () => {
    failing(["persona-strategy"]);
    const personaId = await create();
    fake.respondWith(answers);
    fake.reset();
    const retry = await caller.persona.retryFailed({ personaId });
    expect(retry.stages).toEqual(["strategy", "posts"]);
    expect((await testServices.services.engine.waitForRun(retry.runId)).status).toBe("succeeded");
    expect(Object.values(await statuses(personaId)).every((status) => status === "succeeded")).toBe(true);
    const persona = await caller.persona.get({ personaId });
    expect(persona.stages.network.versions).toHaveLength(1);
    expect(persona.stages.strategy.versions).toHaveLength(1);
    expect(persona.posts.items.every((post) => post.current !== null)).toBe(true);
    // One strategy call and three posts: nothing else went back to the provider.
    expect(fake.attempts().filter((attempt) => attempt.status === 200)).toHaveLength(4);
    await expect(caller.persona.retryFailed({ personaId })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/Nothing failed/) });
  });

  test("a failed avatar leaves the text stages done and is retried on its own", async () => {
    failing([], true);
    const personaId = await create();
    expect(await statuses(personaId)).toMatchObject({ visual: "succeeded", book: "succeeded", avatar: "failed" });
    fake.respondWith(answers);
    const retry = await caller.persona.retryFailed({ personaId, stages: ["avatar"] });
    expect(retry.stages).toEqual(["avatar"]);
    await testServices.services.engine.waitForRun(retry.runId);
    const persona = await caller.persona.get({ personaId });
    expect(persona.avatar).toMatchObject({ status: "succeeded", versions: [expect.objectContaining({ version: 1 })] });
  });

  test("stage 1 failing skips every other stage, and says which stage it was waiting for", async () => {
    failing(["persona-core"]);
    const personaId = await create();
    const persona = await caller.persona.get({ personaId });
    expect(persona.grid.filter((cell) => cell.stage !== "core").every((cell) => cell.status === "skipped")).toBe(true);
    expect(persona.stages.book.reason).toBe("Skipped: Core persona (stage 1) failed");
    // Stage 2 can be retried only with what it needs.
    await expect(caller.persona.regenerateStage({ personaId, stage: "strategy" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/needs Core persona/),
    });
    fake.respondWith(answers);
    const retry = await caller.persona.retryFailed({ personaId });
    expect(retry.stages).toEqual(["core", "strategy", "posts", "network", "authenticity", "visual", "book", "avatar"]);
    await testServices.services.engine.waitForRun(retry.runId);
    expect(Object.values(await statuses(personaId)).every((status) => status === "succeeded")).toBe(true);
  });

  test("a timeout-free 5xx is retried by the engine and never shows as a failure", async () => {
    let refusals = 0;
    fake.respondWith((request) => {
      if (requestName(request) === "persona-network" && refusals < 2) {
        refusals += 1;
        return { status: 503, body: { error: { message: "busy", type: "server_error" } } };
      }
      return answers(request);
    });
    const personaId = await create();
    expect(refusals).toBe(2);
    expect((await statuses(personaId)).network).toBe("succeeded");
  });
});

describe("one run per persona", () => {
  test("refuses a second run while the first is active, and cancel ends it", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    fake.respondWith(async (request) => {
      if (requestName(request) === "persona-core") await held;
      return answers(request);
    });
    const { personaId, runId } = await caller.persona.createFromDescription({ description: DESCRIPTION, options: { postCount: 1 } });
    await vi.waitFor(() => expect(fake.inFlight()).toBe(1), { timeout: 5_000, interval: 5 });
    await expect(caller.persona.regenerateStage({ personaId, stage: "core" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.persona.retryFailed({ personaId })).rejects.toMatchObject({ code: "CONFLICT" });
    const core = (await caller.persona.get({ personaId })).stages.core;
    expect(core.status).toBe("running");
    // A stage waiting its turn is not edited under the run's feet either.
    await expect(caller.persona.updateStage({ personaId, stage: "network", data: { summary: "", relationships: [], communities: [] } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await caller.persona.cancel({ personaId });
    release();
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("cancelled");
    const after = await caller.persona.get({ personaId });
    expect(after.stages.core.status).toBe("cancelled");
    expect(after.stages.strategy).toMatchObject({ status: "cancelled" });
  });
});

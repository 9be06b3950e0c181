// Batches: descriptions read from lines, CSV or JSON with per-line problems; twenty personas in one
// run that never has more provider calls in flight than the budget allows; the batch's stage grid
// and counts; failed stages of the batch retried in one more run.
import { afterAll, beforeEach } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { parseBatch } from "@/server/features/persona/batch-input";
import { createProviders } from "@/server/providers/create-providers";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider, type FakeAttempt, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaCaller, type PersonaTestServices } from "../helpers/persona-services";

const MAX_CONCURRENT = 4;

describe("reading a batch", () => {
  test("takes one description per line, skipping blank lines", () => {
    const parsed = parseBatch("A grumpy jazz drummer\n\n  A cheerful baker in Ghent  \r\nKenji, 34, barista\n");
    expect(parsed).toEqual({
      format: "lines",
      problems: [],
      items: [
        { line: 1, description: "A grumpy jazz drummer", language: undefined },
        { line: 3, description: "A cheerful baker in Ghent", language: undefined },
        { line: 4, description: "Kenji, 34, barista", language: undefined },
      ],
    });
  });

  test("reads CSV with quoted commas, quotes and line breaks, and a language column", () => {
    const csv = 'name,description,language\nAda,"Ada, 30, a ""quiet"" coder",German\nBo,"Bo likes\nboats",\n';
    const parsed = parseBatch(csv);
    expect(parsed.format).toBe("csv");
    expect(parsed.items).toEqual([
      { line: 2, description: 'Ada, 30, a "quiet" coder', language: "German" },
      { line: 3, description: "Bo likes\nboats", language: undefined },
    ]);
  });

  test("reads JSON arrays of strings or objects", () => {
    expect(parseBatch('["a sailor", {"description": "a poet", "language": "French"}]').items).toEqual([
      { line: 1, description: "a sailor", language: undefined },
      { line: 2, description: "a poet", language: "French" },
    ]);
    expect(parseBatch('{"personas": ["a sailor"]}').items).toHaveLength(1);
  });

  test("says which line or item is wrong, and why", () => {
    expect(parseBatch("description\nfine\n", "csv").problems).toEqual([]);
    expect(parseBatch("who,what\nAda,coder", "csv").problems).toEqual([{ line: 1, message: 'The CSV needs a header row with a "description" column' }]);
    expect(parseBatch('description,language\n"a poet",French,extra\n"ok",', "csv").problems).toEqual([{ line: 2, message: "Expected 2 columns, found 3" }]);
    expect(parseBatch('["a sailor", 42, {"name": "x"}, ""]').problems).toEqual([
      { line: 2, message: 'Each item must be a description, or an object with a "description"' },
      { line: 3, message: 'Each item must be a description, or an object with a "description"' },
      { line: 4, message: "The description is empty" },
    ]);
    expect(parseBatch(`short\n${"x".repeat(5001)}`).problems).toEqual([{ line: 2, message: "The description is too long: at most 5,000 characters" }]);
    expect(parseBatch("[oops").problems[0]!.message).toMatch(/^This is not valid JSON/);
    expect(parseBatch(Array.from({ length: 51 }, (_, index) => `persona ${index}`).join("\n")).problems).toEqual([
      { line: 0, message: "At most 50 personas in one batch: this one has 51" },
    ]);
  });
});

/** The most provider calls that were in flight at once among these attempts. */
function peakOf(attempts: FakeAttempt[]): number {
  const edges = attempts.flatMap((attempt) => [
    { at: attempt.arrivedAt, change: 1 },
    { at: attempt.endedAt ?? Number.POSITIVE_INFINITY, change: -1 },
  ]);
  edges.sort((left, right) => left.at - right.at || left.change - right.change);
  let current = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (current += edge.change));
  return peak;
}

describe("a batch run against the fake provider server", () => {
  let database: TestDatabase;
  let alice: TestUser;
  let fake: FakeProvider;
  let testServices: PersonaTestServices;
  let caller: PersonaCaller;
  const answers = offlineAnswers(OFFLINE_RESPONDERS);
  const descriptions = Array.from({ length: 20 }, (_, index) => `Persona ${index + 1}: a ${30 + index}-year-old gardener in Bergen who loves birdwatching`);

  test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
    [database, alice] = [fileDatabase, owner];
    fake = await startFakeProvider({ latencyMs: { min: 20, max: 40 }, seed: 7 });
    const providers = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test", OPENAI_BASE_URL: fake.url }));
    testServices = createPersonaTestServices({
      db: database.db,
      providers,
      engineSettings: { maxConcurrent: { text: MAX_CONCURRENT, image: MAX_CONCURRENT, vision: MAX_CONCURRENT }, maxWorkers: 20 },
    });
    caller = testServices.caller(alice);
  });
  afterAll(async () => {
    await testServices.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.respondWith(answers);
    fake.reset();
  });

  test(`generates 20 personas in one run with never more than MAX_CONCURRENT = ${MAX_CONCURRENT} calls in flight`, async () => {
    const { batchId, runId, personaIds } = await caller.persona.batches.create({ text: descriptions.join("\n"), options: { postCount: 2, lorebookEntryCount: 2, avatar: false } });
    expect(personaIds).toHaveLength(20);
    const run = await testServices.services.engine.waitForRun(runId);
    expect(run).toMatchObject({ status: "succeeded", kind: "persona-batch", subjectId: batchId });
    // 20 × (core, strategy, 2 posts, network, authenticity, visual, book)
    expect(run.counts.total).toBe(160);
    expect(fake.attempts()).toHaveLength(160);
    expect(fake.peakInFlight()).toBeLessThanOrEqual(MAX_CONCURRENT);
    // And the cap was used, not run one or two at a time. Paced at the window's rate over the
    // round trip the engine measures, the provider sees the whole window at once only when that
    // round trip is close to its own latency: on a loaded machine it is longer, and the peak one less.
    expect(fake.peakInFlight()).toBeGreaterThanOrEqual(MAX_CONCURRENT - 1);

    const batch = await caller.persona.batches.get({ batchId });
    expect(batch.counts).toEqual({ total: 20, done: 20, failed: 0, cancelled: 0, running: 0, pending: 0 });
    expect(batch.run).toMatchObject({ id: runId, status: "succeeded" });
    expect(batch.personas.map((persona) => persona.id)).toEqual(personaIds);
    for (const persona of batch.personas) {
      expect(persona.grid.map((cell) => cell.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "off"]);
    }
    const one = await caller.persona.get({ personaId: personaIds[4]! });
    expect(one).toMatchObject({ batchId, run: { id: runId, status: "succeeded" } });
    expect(one.stages.core.current!.data.age).toBe(34);
    expect((await caller.persona.batches.list()).map((entry) => entry.id)).toContain(batchId);
  });

  test("keeps text and image calls each within their budget when avatars are on", async () => {
    const { runId } = await caller.persona.batches.create({ text: descriptions.slice(0, 8).join("\n"), options: { postCount: 1, lorebookEntryCount: 1 } });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const attempts = fake.attempts();
    expect(attempts.filter((attempt) => attempt.path.endsWith("/images/generations"))).toHaveLength(8);
    expect(peakOf(attempts.filter((attempt) => attempt.path.endsWith("/chat/completions")))).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect(peakOf(attempts.filter((attempt) => attempt.path.endsWith("/images/generations")))).toBeLessThanOrEqual(MAX_CONCURRENT);
  });

  test("shows failed personas in the counts and retries every failed stage of the batch in one run", async () => {
    // Stage 4 fails for good for the first two personas that ask for it.
    const batchText = descriptions.slice(0, 6).join("\n");
    let networkCalls = 0;
    fake.respondWith((request) => {
      const name = (request.body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;
      if (name === "persona-network" && (networkCalls += 1) <= 2) return { status: 400, body: { error: { message: "refused on purpose", type: "invalid_request_error" } } };
      return answers(request);
    });
    const { batchId, runId } = await caller.persona.batches.create({ text: batchText, options: { postCount: 1, lorebookEntryCount: 1, avatar: false } });
    expect((await testServices.services.engine.waitForRun(runId)).status).toBe("failed");
    const before = await caller.persona.batches.get({ batchId });
    expect(before.counts).toMatchObject({ total: 6, done: 4, failed: 2 });
    const failed = before.personas.filter((persona) => persona.state === "failed");
    expect(failed.flatMap((persona) => persona.grid.filter((cell) => cell.status !== "succeeded" && cell.status !== "off").map((cell) => cell.stage))).toEqual(["network", "network"]);

    fake.respondWith(answers);
    fake.reset();
    const retry = await caller.persona.batches.retryFailed({ batchId });
    expect(retry.personas).toBe(2);
    expect((await testServices.services.engine.waitForRun(retry.runId)).counts.total).toBe(2);
    expect(fake.attempts()).toHaveLength(2);
    expect((await caller.persona.batches.get({ batchId })).counts).toMatchObject({ done: 6, failed: 0 });
  });

  test("refuses a batch with problems, naming the lines, and creates nothing", async () => {
    const count = await database.db.persona.count();
    await expect(caller.persona.batches.create({ text: '["fine", 3]', options: {} })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: 'The batch has problems — line 2: Each item must be a description, or an object with a "description"',
    });
    await expect(caller.persona.batches.create({ options: {} })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await database.db.persona.count()).toBe(count);
    expect(await caller.persona.batches.preview({ text: "a\nb" })).toMatchObject({ format: "lines", items: [{ line: 1 }, { line: 2 }] });
  });
});

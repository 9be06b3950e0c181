// The batch API as a script uses it: create a deck with a team API key (202 + Location), read its
// status with per-slide image URLs that the same key fetches, follow its events over SSE (resumed
// with Last-Event-ID, pings while idle, 204 once read to the end), export it; and the errors, as
// JSON with stable codes, for missing, wrong, revoked and other teams' keys.
import { beforeAll } from "vitest";
import { createDeckHandler, deckStatusHandler, exportHandler, slideImageHandler } from "@/server/api/v1/decks";
import { deckEventFeeds, deckEventsHandler } from "@/server/api/v1/events";
import type { ApiServices } from "@/server/api/v1/services";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { apiServicesOf, createSlidesTestServices, gatedOfflineProviders, type SlidesTestServices } from "../helpers/slides-services";

const ORIGIN = "http://127.0.0.1:3000";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

let database: TestDatabase;
let alice: TestUser;
let bob: TestUser;
let testServices: SlidesTestServices;
let api: ApiServices;
let aliceKey: string;
let bobKey: string;
const gate = gatedOfflineProviders();

test.beforeAll(async ({ database: fileDatabase, auth, alice: owner, bob: outsider }) => {
  [database, alice, bob] = [fileDatabase, owner, outsider];
  testServices = createSlidesTestServices({ db: database.db, providers: gate.providers, engineSettings: { maxWorkers: 6, defaultWorkers: 2 } });
  api = apiServicesOf(testServices, { auth });
  aliceKey = (await testServices.caller(alice).slides.apiKeys.create({ name: "CI" })).key;
  bobKey = (await testServices.caller(bob).slides.apiKeys.create({ name: "Bob's script" })).key;
});
test.afterAll(async () => {
  gate.release();
  await testServices?.close();
});

function request(path: string, init: { key?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (init.key) headers.set("authorization", `Bearer ${init.key}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`${ORIGIN}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

const DECK = {
  title: "Launch",
  style_prompt: "paper cut-out collage, warm colours",
  aspect_ratio: "1:1",
  max_workers: 500,
  slides: [{ title: "Why", text: "Because the harbour is ready." }, "A crowd at the opening of a bridge", { title: "How", image_prompt: "Cranes over a harbour" }],
};

async function createDeck(key = aliceKey, body: unknown = DECK) {
  const response = await createDeckHandler(api, request("/api/v1/decks", { key, method: "POST", body }));
  return { response, body: (await response.json()) as Record<string, unknown> };
}

async function lastRunOf(deckId: string) {
  const deck = await database.db.slideDeck.findUniqueOrThrow({ where: { id: deckId } });
  return testServices.services.engine.waitForRun(deck.lastRunId!);
}

/** Reads an SSE body into its messages (comments kept as `comment`) until it ends or `until` says stop. */
async function readEvents(response: Response, until: (messages: Array<Record<string, string>>) => boolean = () => false) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const messages: Array<Record<string, string>> = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        const field = colon === 0 ? "comment" : line.slice(0, colon);
        message[field] = (message[field] ? `${message[field]}\n` : "") + line.slice(colon + 1).trimStart();
      }
      messages.push(message);
    }
    if (until(messages)) {
      await reader.cancel();
      break;
    }
  }
  return messages;
}

describe("creating and reading a deck", () => {
  test("answers 202 with the deck, where to follow it, and the clamped workers", async () => {
    const { response, body } = await createDeck();
    expect(response.status).toBe(202);
    expect(body).toMatchObject({ status: "running", queue_position: null, max_workers: 6 });
    expect(body.status_url).toBe(`${ORIGIN}/api/v1/decks/${body.id}`);
    expect(body.events_url).toBe(`${ORIGIN}/api/v1/decks/${body.id}/events`);
    expect(response.headers.get("location")).toBe(body.status_url);
    await lastRunOf(String(body.id));
  });

  test("gives per-slide results whose image URLs the same key fetches", async () => {
    const { body: created } = await createDeck();
    const run = await lastRunOf(String(created.id));
    // A string slide is its own prompt; only the slide with a text and no prompt needs the text model.
    expect(run.tasks.filter((task) => task.type === "slides.prompt")).toHaveLength(1);

    const response = await deckStatusHandler(api, request(`/api/v1/decks/${created.id}`, { key: aliceKey }), { deckId: String(created.id) });
    expect(response.status).toBe(200);
    const deck = (await response.json()) as { status: string; style_prompt: string; slides: Array<Record<string, any>>; links: Record<string, any> };
    expect(deck).toMatchObject({ status: "succeeded", style_prompt: DECK.style_prompt });
    expect(deck.slides.map((slide) => [slide.position, slide.title, slide.status])).toEqual([
      [1, "Why", "succeeded"],
      [2, "A crowd at the opening of a bridge", "succeeded"],
      [3, "How", "succeeded"],
    ]);
    expect(deck.slides[1]!.image_prompt).toBe(DECK.slides[1]);
    expect(deck.links.export.pdf).toBe(`${ORIGIN}/api/v1/decks/${created.id}/export?format=pdf`);
    for (const slide of deck.slides) {
      expect(slide.image).toMatchObject({ version: 1, width: 1024, height: 1024, parameters: { style: DECK.style_prompt, size: "1024x1024" } });
      const url = new URL(slide.image.url);
      expect(url.pathname).toBe(`/api/v1/decks/${created.id}/slides/${slide.position}/image`);
      const image = await slideImageHandler(api, request(`${url.pathname}${url.search}`, { key: aliceKey }), {
        deckId: String(created.id),
        position: String(slide.position),
      });
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await image.arrayBuffer()).subarray(0, 4).equals(PNG_SIGNATURE)).toBe(true);
      const thumbnail = new URL(slide.image.thumbnail_url);
      const small = await slideImageHandler(api, request(`${thumbnail.pathname}${thumbnail.search}`, { key: aliceKey }), {
        deckId: String(created.id),
        position: String(slide.position),
      });
      expect(small.headers.get("content-type")).toBe("image/webp");
    }
    const missing = await slideImageHandler(api, request(`/api/v1/decks/${created.id}/slides/4/image`, { key: aliceKey }), { deckId: String(created.id), position: "4" });
    expect(missing.status).toBe(404);

    const pptx = await exportHandler(api, request(`/api/v1/decks/${created.id}/export?format=pptx`, { key: aliceKey }), { deckId: String(created.id) });
    expect(pptx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    expect(pptx.headers.get("content-disposition")).toBe('attachment; filename="launch.pptx"');
    expect((await pptx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  test("refuses invalid bodies with BAD_REQUEST naming each field and limit", async () => {
    const { response, body } = await createDeck(aliceKey, { slides: [], max_workers: 0 });
    expect(response.status).toBe(400);
    expect(body.error).toMatchObject({
      code: "BAD_REQUEST",
      details: { slides: "A deck needs at least 1 slide", style_prompt: expect.stringContaining("style_prompt is required"), max_workers: "At least 1 worker" },
    });
    const tooMany = await createDeck(aliceKey, { ...DECK, slides: Array.from({ length: 101 }, (_, index) => `slide ${index}`) });
    expect(tooMany.body.error).toMatchObject({ code: "BAD_REQUEST", details: { slides: "A deck has at most 100 slides" } });
    const notJson = await createDeckHandler(api, request("/api/v1/decks", { key: aliceKey, method: "POST", body: "{nope" }));
    expect(await notJson.json()).toEqual({ error: { code: "BAD_REQUEST", message: "The body is not valid JSON" } });
  });
});

describe("events over SSE", () => {
  test("streams the run's events live with their seq as id, pings while idle, and ends after run-end", async () => {
    gate.hold();
    const { body: created } = await createDeck();
    const deckId = String(created.id);
    const response = await deckEventsHandler(api, request(`/api/v1/decks/${deckId}/events`, { key: aliceKey }), { deckId }, { pingIntervalMs: 20 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    let released = false;
    const messages = await readEvents(response, (read) => {
      if (!released && read.some((message) => message.comment === "ping")) {
        released = true;
        gate.release();
      }
      return false;
    });
    expect(released).toBe(true);
    const events = messages.filter((message) => message.data).map((message) => ({ id: Number(message.id), ...JSON.parse(message.data!) }));
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.every((event) => event.seq === event.id)).toBe(true);
    expect(events[0]!.type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "run-end", payload: { status: "succeeded" } });
    expect(events.filter((event) => event.type === "task-end")).toHaveLength(4);
  });

  test("resumes after Last-Event-ID without repeating, and answers 204 once everything was read", async () => {
    const { body: created } = await createDeck();
    const deckId = String(created.id);
    await lastRunOf(deckId);
    const all = (await readEvents(await deckEventsHandler(api, request(`/api/v1/decks/${deckId}/events`, { key: aliceKey }), { deckId }))).filter((message) => message.id);
    const resumed = await readEvents(
      await deckEventsHandler(api, request(`/api/v1/decks/${deckId}/events`, { key: aliceKey, headers: { "last-event-id": "3" } }), { deckId }),
    );
    expect(resumed.filter((message) => message.id).map((message) => message.id)).toEqual(all.slice(3).map((message) => message.id));
    const last = all.at(-1)!.id!;
    const done = await deckEventsHandler(api, request(`/api/v1/decks/${deckId}/events`, { key: aliceKey, headers: { "last-event-id": last } }), { deckId });
    expect(done.status).toBe(204);
  });

  test("scripts following the same run get the same bytes, each event encoded once for all of them", async () => {
    gate.hold();
    const { body: created } = await createDeck();
    const deckId = String(created.id);
    const feeds = deckEventFeeds(testServices.services.engine);
    const encodedBefore = feeds.stats().encoded;
    const follow = async () => {
      const response = await deckEventsHandler(api, request(`/api/v1/decks/${deckId}/events`, { key: aliceKey }), { deckId });
      return readEvents(response);
    };
    const followers = [follow(), follow(), follow()];
    gate.release();
    const [first, ...others] = await Promise.all(followers);
    const events = first!.filter((message) => message.id);
    expect(events.at(-1)!.data).toContain('"type":"run-end"');
    for (const other of others) expect(other).toEqual(first);
    expect(feeds.stats().encoded - encodedBefore).toBe(events.length);
  });
});

describe("API keys", () => {
  let deckId: string;
  beforeAll(async () => {
    deckId = String((await createDeck()).body.id);
    await lastRunOf(deckId);
  });

  const calls = (key: string | null, id = () => deckId): Array<[string, () => Promise<Response>]> => [
    ["POST /decks", () => createDeckHandler(api, request("/api/v1/decks", { key, method: "POST", body: DECK }))],
    ["GET /decks/{id}", () => deckStatusHandler(api, request(`/api/v1/decks/${id()}`, { key }), { deckId: id() })],
    ["GET /decks/{id}/events", () => deckEventsHandler(api, request(`/api/v1/decks/${id()}/events`, { key }), { deckId: id() })],
    ["GET /decks/{id}/export", () => exportHandler(api, request(`/api/v1/decks/${id()}/export?format=zip`, { key }), { deckId: id() })],
    ["GET /decks/{id}/slides/1/image", () => slideImageHandler(api, request(`/api/v1/decks/${id()}/slides/1/image`, { key }), { deckId: id(), position: "1" })],
  ];

  test.each([
    ["no key", null],
    ["a wrong key", "sfk_notARealKeyAtAllButLongEnoughToLookLikeOne0000000"],
    ["a key of another form", "Basic abc"],
  ])("with %s, every endpoint answers 401 UNAUTHORIZED", async (_name, key) => {
    for (const [name, call] of calls(key)) {
      const response = await call();
      expect({ name, status: response.status, challenge: response.headers.get("www-authenticate") }).toEqual({ name, status: 401, challenge: 'Bearer realm="storyforge"' });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    }
  });

  test("another team's key gets 404 NOT_FOUND for the deck, as for a deck that does not exist", async () => {
    for (const [name, call] of [...calls(bobKey).slice(1), ...calls(aliceKey, () => "no-such-deck").slice(1)]) {
      const response = await call();
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    }
  });

  test("a revoked key stops working at once; the team's other keys do not", async () => {
    const caller = testServices.caller(alice);
    const spare = await caller.slides.apiKeys.create({ name: "spare" });
    expect((await calls(spare.key)[1]![1]()).status).toBe(200);
    await caller.slides.apiKeys.revoke({ keyId: spare.id });
    const revoked = await calls(spare.key)[1]![1]();
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "This API key is not valid, or it has been revoked" } });
    expect((await calls(aliceKey)[1]![1]()).status).toBe(200);
  });
});

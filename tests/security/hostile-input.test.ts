// Bad input is refused with a clear answer, never a crash (500), and never read further than its
// limit: bodies over their path's limit (declared or sent in chunks), invalid UTF-8 and control
// characters, a story at and past its limit (and the other text limits), absurd counts, and
// cross-origin changes refused by better-auth itself as well as by the proxy.
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import nextConfig from "../../next.config.mjs";
import { MAX_STORY_CHARACTERS } from "@/server/features/story/project-input";
import { MAX_FILES_PER_UPLOAD, MAX_UPLOAD_BYTES } from "@/server/features/persona/uploads";
import { appEngine } from "@/server/app-services";
import { bodyLimitFor, PROXY_BUFFER_BYTES } from "@/server/security/body-limits";
import { securityProxy } from "@/server/security/security-proxy";
import { APP_ORIGIN, callRoute, signUpThroughRoute, useAppEnvironment, type AppAccount } from "../helpers/app-in-process";
import { callerAs } from "./matrix/world";

const app = useAppEnvironment({ BATCH_MAX_CONCURRENT: "20" });
let alice: AppAccount;
let apiKey: string;

beforeAll(async () => {
  alice = await signUpThroughRoute("Alice");
  apiKey = (await callerAs(alice).slides.apiKeys.create({ name: "script" })).key;
});
afterAll(() => app.cleanup());

const MB = 1024 * 1024;

/** A body of `bytes` zeros sent in 1 MB chunks with no declared length, counting what was read. */
function chunkedBody(bytes: number) {
  let sent = 0;
  const chunk = new Uint8Array(MB).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const size = Math.min(MB, bytes - sent);
      sent += size;
      controller.enqueue(size === MB ? chunk : chunk.subarray(0, size));
    },
  });
  return { stream, read: () => sent };
}

function post(pattern: string, params: Record<string, string | string[]>, body: BodyInit, headers: Record<string, string> = {}, url?: string) {
  return callRoute(pattern, params, { method: "POST", body, cookie: alice.cookie, headers: { origin: APP_ORIGIN, ...headers }, url });
}

describe("bodies over their limit", () => {
  interface Oversized {
    what: string;
    pattern: string;
    params: Record<string, string | string[]>;
    limit: number;
    url?: string;
    headers: () => Record<string, string>;
  }
  const json = () => ({ "content-type": "application/json" });
  const multipart = () => ({ "content-type": "multipart/form-data; boundary=x" });
  const oversized: Oversized[] = [
    { what: "tRPC", pattern: "/api/trpc/[trpc]", params: { trpc: "story.create" }, limit: 8 * MB, url: "/api/trpc/story.create", headers: json },
    { what: "a persona upload form", pattern: "/api/personas/uploads", params: {}, limit: PROXY_BUFFER_BYTES, headers: multipart },
    { what: "a card import form", pattern: "/api/personas/import", params: {}, limit: 11 * MB, headers: multipart },
    { what: "the batch API", pattern: "/api/v1/decks", params: {}, limit: 2 * MB, headers: () => ({ ...json(), authorization: `Bearer ${apiKey}` }) },
    { what: "an auth endpoint", pattern: "/api/auth/[...all]", params: { all: ["organization", "create"] }, limit: 64 * 1024, url: "/api/auth/organization/create", headers: json },
  ];

  test.each(oversized.map((entry) => [entry.what, entry] as const))("%s: sent in chunks with no declared length, reading stops just past the limit and the answer is 413", async (_what, entry) => {
    const body = chunkedBody(entry.limit + 5 * MB);
    const response = await callRoute(entry.pattern, entry.params, { method: "POST", cookie: alice.cookie, headers: { origin: APP_ORIGIN, ...entry.headers() }, url: entry.url, body: body.stream, duplex: "half" });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/too large|at most/i);
    expect(body.read()).toBeLessThanOrEqual(entry.limit + 2 * MB);
  });

  test("a declared length over the path's limit is refused by the proxy before anything is read", () => {
    for (const [path, limit] of [["/api/trpc/story.create", 8 * MB], ["/api/personas/uploads", PROXY_BUFFER_BYTES], ["/api/v1/decks", 2 * MB], ["/api/auth/sign-in/email", 64 * 1024], ["/dashboard", MB]] as const) {
      const over = securityProxy(new NextRequest(`${APP_ORIGIN}${path}`, { method: "POST", headers: { "content-length": String(limit + 1) } }), { allowedOrigins: [APP_ORIGIN], trustedProxyHops: 0, development: false, https: false });
      expect(over.status, path).toBe(413);
      const within = securityProxy(new NextRequest(`${APP_ORIGIN}${path}`, { method: "POST", headers: { "content-length": String(limit) } }), { allowedOrigins: [APP_ORIGIN], trustedProxyHops: 0, development: false, https: false });
      expect(within.headers.get("x-middleware-next"), path).toBe("1");
    }
  });

  test("the limits fit what the app accepts: Next.js buffers the largest body whole for the proxy", () => {
    expect(nextConfig.experimental?.proxyClientMaxBodySize).toBe(PROXY_BUFFER_BYTES);
    expect(bodyLimitFor("/api/personas/uploads")).toBeGreaterThanOrEqual(MAX_FILES_PER_UPLOAD * MAX_UPLOAD_BYTES + MB);
    // A 2,000,000-character card of three-byte characters, in tRPC's JSON envelope.
    expect(bodyLimitFor("/api/trpc/persona.importCard")).toBeGreaterThan(2_000_000 * 3 + 1024);
    expect(Math.max(...["/api/trpc/x", "/api/v1/decks", "/api/auth/x", "/api/personas/import", "/x"].map(bodyLimitFor))).toBeLessThanOrEqual(PROXY_BUFFER_BYTES);
  });

  test("a body within its limit still works when sent in chunks", async () => {
    const json = JSON.stringify({ json: { outline: "# One\n- a point\n# Two" } });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < json.length; index += 7) controller.enqueue(new TextEncoder().encode(json.slice(index, index + 7)));
        controller.close();
      },
    });
    const response = await callRoute("/api/trpc/[trpc]", { trpc: "slides.previewOutline" }, { method: "POST", body: stream, duplex: "half", cookie: alice.cookie, headers: { origin: APP_ORIGIN, "content-type": "application/json" }, url: "/api/trpc/slides.previewOutline" });
    expect(response.status).toBe(200);
  });
});

describe("text that is not what it should be", () => {
  const invalidUtf8 = (prefix: string, suffix: string) => new Uint8Array([...new TextEncoder().encode(prefix), 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, ...new TextEncoder().encode(suffix)]);

  test("invalid UTF-8 in a tRPC body becomes replacement characters, never a crash", async () => {
    const body = invalidUtf8('{"json":{"title":"Broken ', '","story":"A fox crossed the river.","sceneCount":1,"stylePreset":"comic","size":"1024x1024","quality":"standard","reviewPrompts":true}}');
    const response = await post("/api/trpc/[trpc]", { trpc: "story.create" }, body, { "content-type": "application/json" }, "/api/trpc/story.create");
    expect(response.status).toBe(200);
    const { json } = (await response.json()) as { result: { data: { json: { projectId: string } } } } & { json?: unknown };
    void json;
    const project = await callerAs(alice).story.list();
    expect(project.map((entry) => entry.title).find((title) => title.startsWith("Broken"))).toMatch(/^Broken \uFFFD/);
  });

  test("invalid UTF-8 in the batch API's JSON is read the same way, and a body that is not JSON is a 400", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
    const broken = await post("/api/v1/decks", {}, invalidUtf8('{"title":"Deck ', '","style_prompt":"collage","slides":["One"]}'), headers);
    expect(broken.status).toBe(202);
    const notJson = await post("/api/v1/decks", {}, invalidUtf8("{not json", ""), headers);
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: "BAD_REQUEST", message: "The body is not valid JSON" } });
  });

  test("control characters, NUL and lone surrogates in a story: stored as sent and rendered, or refused; never a crash", async () => {
    const strange = "Mara\u0000 sailed\u0008 to \uD800the isle\u001b[31m of \uDFFF\u202Egnorw\u202C Ys.\u0007 ".repeat(5);
    const { projectId, runId } = await callerAs(alice).story.create({ title: `Odd \u0000\uD800 title`, story: strange, sceneCount: 2, stylePreset: "comic", size: "1024x1024", quality: "standard", reviewPrompts: false });
    const run = await appEngine().waitForRun(runId);
    expect(run.status).toBe("succeeded");
    const project = await callerAs(alice).story.get({ projectId });
    expect(project.scenes.every((scene) => scene.currentImageId)).toBe(true);
  });
});

describe("limits on length and count", () => {
  const storyOf = (length: number) => `${"The keeper climbed the stairs and lit the lamp. ".repeat(Math.ceil(length / 48)).slice(0, length - 1).replace(/\s$/, "x")}.`;
  const project = (story: string) => ({ title: "Long", story, sceneCount: 3, stylePreset: "comic" as const, size: "1024x1024" as const, quality: "standard" as const, reviewPrompts: false });

  test("a story of exactly the limit is analysed and drawn", async () => {
    const story = storyOf(MAX_STORY_CHARACTERS);
    expect(story.trim()).toHaveLength(MAX_STORY_CHARACTERS);
    const { projectId, runId } = await callerAs(alice).story.create(project(story));
    expect((await appEngine().waitForRun(runId)).status).toBe("succeeded");
    expect((await callerAs(alice).story.get({ projectId })).storyLength).toBe(MAX_STORY_CHARACTERS);
  }, 60_000);

  test("one character past it is refused with the limit in the message, and nothing is stored", async () => {
    const before = (await callerAs(alice).story.list()).length;
    const refused = await callerAs(alice).story.create(project(storyOf(MAX_STORY_CHARACTERS + 1))).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
    expect((refused as Error).message).toContain("The story is too long: at most 100,000 characters");
    expect((await callerAs(alice).story.list()).length).toBe(before);
  });

  const deck = (slides: number) => ({ title: "Many", stylePreset: "flat-corporate" as const, aspectRatio: "1:1" as const, quality: "standard" as const, slides: Array.from({ length: slides }, (_, index) => ({ title: `S${index}`, text: "", imagePrompt: "" })) });

  test.each([
    ["a story project with 1e9 scenes", () => callerAs(alice).story.create({ ...project("A fox."), sceneCount: 1e9 })],
    ["a story project with -1 scenes", () => callerAs(alice).story.create({ ...project("A fox."), sceneCount: -1 })],
    ["a story project with 2.5 scenes", () => callerAs(alice).story.create({ ...project("A fox."), sceneCount: 2.5 })],
    ["a story project with 1e12 workers", () => callerAs(alice).story.create({ ...project("A fox."), maxWorkers: 1e12 })],
    ["a deck of 101 slides", () => callerAs(alice).slides.create(deck(101))],
    ["a deck asking for 1e9 workers", () => callerAs(alice).slides.create({ ...deck(1), maxWorkers: 1e9 })],
    ["a persona with 1e6 posts", () => callerAs(alice).persona.createFromDescription({ description: "A baker", options: { postCount: 1e6 } })],
    ["a persona with 0 lorebook entries", () => callerAs(alice).persona.createFromDescription({ description: "A baker", options: { lorebookEntryCount: 0 } })],
    ["a persona description of 5,001 characters", () => callerAs(alice).persona.createFromDescription({ description: "x".repeat(5_001), options: {} })],
    ["a batch of 51 personas", () => callerAs(alice).persona.batches.create({ text: Array.from({ length: 51 }, (_, index) => `a sailor number ${index}`).join("\n"), options: {} })],
    ["an outline of 200,001 characters", () => callerAs(alice).slides.previewOutline({ outline: "#".repeat(200_001) })],
    ["restoring version 2^53 of a stage", () => callerAs(alice).persona.restoreVersion({ personaId: "p", stage: "core", version: 2 ** 53 })],
    ["post 1e9 of a persona", () => callerAs(alice).persona.updatePost({ personaId: "p", position: 1e9, data: { text: "x", hashtags: [], mediaIdea: "", timing: "" } as never })],
    ["the optimal workers for 1e308 slides", () => callerAs(alice).operations.optimalWorkers({ slides: 1e308 })],
  ])("%s is refused as BAD_REQUEST", async (_what, call) => {
    await expect(call()).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  test.each([
    ["optimal workers for ?slides=1e308", "GET", "/api/v1/ops/optimal-workers", "/api/v1/ops/optimal-workers?slides=1e308", undefined],
    ["optimal workers for ?slides=Infinity", "GET", "/api/v1/ops/optimal-workers", "/api/v1/ops/optimal-workers?slides=Infinity", undefined],
    ["validate 1e9 slides with -5 workers", "POST", "/api/v1/ops/validate", undefined, { slides: 1e9, max_workers: -5 }],
    ["a deck of 10,000 slides through the batch API", "POST", "/api/v1/decks", undefined, { title: "x", style_prompt: "y", slides: Array.from({ length: 10_000 }, () => "s") }],
  ])("%s is a 400 with field details", async (_what, method, pattern, url, json) => {
    const headers: Record<string, string> = pattern === "/api/v1/decks" ? { authorization: `Bearer ${apiKey}` } : {};
    const response = await callRoute(pattern, {}, { method, url, json, cookie: alice.cookie, headers: { origin: APP_ORIGIN, ...headers } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "BAD_REQUEST", details: expect.any(Object) } });
  });

  test.each(["-1", "0", "1e9", "NaN", "1.5", "9".repeat(400)])("slide image position %s is not found, not a crash", async (position) => {
    const { deckId } = await callerAs(alice).slides.create(deck(1));
    const response = await callRoute("/api/v1/decks/[deckId]/slides/[position]/image", { deckId, position }, { headers: { authorization: `Bearer ${apiKey}` } });
    expect([400, 404]).toContain(response.status);
  });
});

describe("cross-origin changes", () => {
  test("better-auth refuses a signed-in request from another origin by itself, behind the proxy's own check", async () => {
    const response = await callRoute("/api/auth/[...all]", { all: ["organization", "create"] }, { method: "POST", cookie: alice.cookie, json: { name: "Evil team", slug: "evil" }, headers: { origin: "https://evil.example" }, url: "/api/auth/organization/create" });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "INVALID_ORIGIN" });
  });
});

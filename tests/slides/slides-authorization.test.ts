// Who may touch a deck: members of its team. Alice (team A) owns a deck; Bob (another team) gets
// NOT_FOUND from every slides procedure, the deck's run, its images and the export route, exactly
// as for a deck that does not exist, and nothing of Alice's changes; a signed-out caller is told
// to sign in. Carol, a plain member of team A, reads the deck but may not manage API keys or read
// operations. The export route is called as the app serves it, with a real session cookie.
import type { Auth } from "@/server/auth";
import type { DeckView } from "@/server/features/slides/deck-view";
import { findImage } from "@/server/features/images/images";
import { signedInHeaders, type TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { readZip } from "../helpers/zip";
import { createSlidesTestServices, deckForm, type SlidesCaller, type SlidesTestServices } from "../helpers/slides-services";

let database: TestDatabase;
let testServices: SlidesTestServices;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let deck: DeckView;
let aliceKeyId: string;

const cookieOf = async (auth: Auth, user: TestUser) => (await signedInHeaders(auth, user)).get("cookie")!;

test.beforeAll(async ({ database: fileDatabase, alice: owner, bob: outsider, carol: invited }) => {
  [database, alice, bob, carol] = [fileDatabase, owner, outsider, invited];
  // The routes read the app's own configuration: point it at this test's database.
  process.env.DATABASE_URL = database.url;
  process.env.BETTER_AUTH_SECRET = "a-test-secret-that-is-long-enough-for-better-auth";
  await database.db.member.create({ data: { id: "carol-in-a", organizationId: alice.teamId, userId: carol.id, role: "member", createdAt: new Date() } });
  testServices = createSlidesTestServices({ db: database.db });
  process.env.DATA_DIR = testServices.dataDirectory;
  const { deckId, runId } = await testServices.caller(alice).slides.create(deckForm(2));
  await testServices.services.engine.waitForRun(runId);
  deck = await testServices.caller(alice).slides.get({ deckId });
  aliceKeyId = (await testServices.caller(alice).slides.apiKeys.create({ name: "Alice's key" })).id;
});
test.afterAll(async () => {
  // The app's own engine, started by the batch API routes below.
  await (await import("@/server/app-services")).appEngine().shutdown();
  await testServices?.close();
});

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _event of stream) count += 1;
  return count;
}

function ids() {
  const slide = deck.slides[0]!;
  return { deckId: deck.id, slideId: slide.id, imageId: slide.currentImageId!, runId: deck.run!.id };
}

/** Every procedure that names Alice's deck, slide, image or run. */
function deckCalls(caller: () => SlidesCaller): Array<[string, () => Promise<unknown>]> {
  const slides = () => caller().slides;
  return [
    ["slides.get", () => slides().get({ deckId: ids().deckId })],
    ["slides.updateSlide", () => slides().updateSlide({ ...ids(), title: "Stolen" })],
    ["slides.addSlide", () => slides().addSlide({ deckId: ids().deckId, title: "Planted" })],
    ["slides.removeSlide", () => slides().removeSlide({ deckId: ids().deckId, slideId: ids().slideId })],
    ["slides.moveSlide", () => slides().moveSlide({ deckId: ids().deckId, slideId: ids().slideId, position: 1 })],
    ["slides.regenerateSlide", () => slides().regenerateSlide({ ...ids(), imagePrompt: "a stolen prompt" })],
    ["slides.setCurrentImage", () => slides().setCurrentImage(ids())],
    ["slides.retryFailed", () => slides().retryFailed({ deckId: ids().deckId })],
    ["slides.cancel", () => slides().cancel({ deckId: ids().deckId })],
    ["slides.delete", () => slides().delete({ deckId: ids().deckId })],
    ["runs.get", () => caller().runs.get({ runId: ids().runId })],
    ["runs.events", async () => drain(await caller().runs.events({ runId: ids().runId }))],
    ["runs.retryFailed", () => caller().runs.retryFailed({ runId: ids().runId })],
  ];
}

/** The procedures that act on the selected team, with Alice's team selected. */
function teamCalls(caller: () => SlidesCaller): Array<[string, () => Promise<unknown>]> {
  return [
    ["slides.list", () => caller().slides.list()],
    ["slides.create", () => caller().slides.create(deckForm(1))],
    ["slides.createFromOutline", () => caller().slides.createFromOutline({ outline: "# One", stylePreset: "isometric", aspectRatio: "1:1", quality: "standard" })],
    ["slides.apiKeys.list", () => caller().slides.apiKeys.list()],
    ["slides.apiKeys.create", () => caller().slides.apiKeys.create({ name: "mine now" })],
    ["slides.apiKeys.revoke", () => caller().slides.apiKeys.revoke({ keyId: aliceKeyId })],
    ["operations.active", () => caller().operations.active()],
  ];
}

async function exportRoute(cookie: string | null, deckId = ids().deckId) {
  const { GET } = await import("@/app/api/decks/[deckId]/export/route");
  const headers = new Headers(cookie ? { cookie } : {});
  return GET(new Request(`http://127.0.0.1:3000/api/decks/${deckId}/export?format=zip`, { headers }), { params: Promise.resolve({ deckId }) });
}

describe("a user of another team", () => {
  const asBob = () => testServices.caller(bob);
  const asBobInAlicesTeam = () => testServices.caller(bob, alice.teamId);

  test.each([
    ...deckCalls(asBob),
    ...deckCalls(asBobInAlicesTeam).map(([name, call]): [string, () => Promise<unknown>] => [`${name}, with Alice's team selected`, call]),
    ...teamCalls(asBobInAlicesTeam).map(([name, call]): [string, () => Promise<unknown>] => [`${name}, with Alice's team selected`, call]),
    ["slides.apiKeys.revoke of Alice's key, in his own team", () => asBob().slides.apiKeys.revoke({ keyId: aliceKeyId })],
    ["the image route's check", () => findImage(database.db, bob.id, ids().imageId)],
  ])("gets NOT_FOUND from %s", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("gets 404 from the export route, as for a deck that does not exist", async () => {
    const cookie = await cookieOf((await import("@/server/auth")).auth(), bob);
    const response = await exportRoute(cookie);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Deck not found" });
    expect((await exportRoute(cookie, "no-such-deck")).status).toBe(404);
  });

  test("changed nothing of Alice's deck or keys", async () => {
    const now = await testServices.caller(alice).slides.get({ deckId: deck.id });
    expect(now.slides.map(({ title, imagePrompt, currentImageId, images }) => ({ title, imagePrompt, currentImageId, versions: images.length }))).toEqual(
      deck.slides.map(({ title, imagePrompt, currentImageId, images }) => ({ title, imagePrompt, currentImageId, versions: images.length })),
    );
    expect(now.run?.id).toBe(deck.run?.id);
    expect((await testServices.caller(alice).slides.apiKeys.list()).map((key) => key.revokedAt)).toEqual([null]);
  });
});

describe("the batch API's routes, as the app serves them", () => {
  const routes = async () => ({
    status: (await import("@/app/api/v1/decks/[deckId]/route")).GET,
    events: (await import("@/app/api/v1/decks/[deckId]/events/route")).GET,
    export: (await import("@/app/api/v1/decks/[deckId]/export/route")).GET,
    image: (await import("@/app/api/v1/decks/[deckId]/slides/[position]/image/route")).GET,
  });
  const get = (path: string, key: string) => new Request(`http://127.0.0.1:3000${path}`, { headers: { authorization: `Bearer ${key}` } });

  test("answer another team's key with 404 for every deck route, and the deck's team with its data", async () => {
    const bobKey = (await testServices.caller(bob).slides.apiKeys.create({ name: "Bob's" })).key;
    const aliceKey = (await testServices.caller(alice).slides.apiKeys.create({ name: "Alice's second" })).key;
    const { status, events, export: exportRoute, image } = await routes();
    const deckId = ids().deckId;
    const params = Promise.resolve({ deckId });
    const imageParams = Promise.resolve({ deckId, position: "1" });
    expect((await status(get(`/api/v1/decks/${deckId}`, bobKey), { params })).status).toBe(404);
    expect((await events(get(`/api/v1/decks/${deckId}/events`, bobKey), { params })).status).toBe(404);
    expect((await exportRoute(get(`/api/v1/decks/${deckId}/export?format=pdf`, bobKey), { params })).status).toBe(404);
    expect((await image(get(`/api/v1/decks/${deckId}/slides/1/image`, bobKey), { params: imageParams })).status).toBe(404);
    const own = await status(get(`/api/v1/decks/${deckId}`, aliceKey), { params });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { slides: unknown[] }).slides).toHaveLength(2);
    const picture = await image(get(`/api/v1/decks/${deckId}/slides/1/image`, aliceKey), { params: imageParams });
    expect(picture.headers.get("content-type")).toBe("image/png");
  });
});

describe("a signed-out caller", () => {
  test.each([...deckCalls(() => testServices.caller(null)), ...teamCalls(() => testServices.caller(null))])(
    "is told to sign in by %s",
    async (_name, call) => {
      await expect(call()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    },
  );

  test("gets 401 from the export route", async () => {
    expect((await exportRoute(null)).status).toBe(401);
  });
});

describe("a plain member of the deck's team", () => {
  const asCarol = () => testServices.caller(carol, alice.teamId);

  test("reads the deck and exports it", async () => {
    expect((await asCarol().slides.get({ deckId: deck.id })).slides).toHaveLength(2);
    expect((await asCarol().slides.list()).map((listed) => listed.id)).toContain(deck.id);
    const response = await exportRoute(await cookieOf((await import("@/server/auth")).auth(), carol));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    const entries = readZip(Buffer.from(await response.arrayBuffer())).map((entry) => entry.name);
    expect(entries.sort()).toEqual(["images/001-slide-1.png", "images/002-slide-2.png", "manifest.json"]);
  });

  test.each([
    ["slides.apiKeys.list", () => asCarol().slides.apiKeys.list()],
    ["slides.apiKeys.create", () => asCarol().slides.apiKeys.create({ name: "mine" })],
    ["slides.apiKeys.revoke", () => asCarol().slides.apiKeys.revoke({ keyId: aliceKeyId })],
    ["operations.active", () => asCarol().operations.active()],
    ["operations.validate", () => asCarol().operations.validate({ slides: 5 })],
    ["operations.optimalWorkers", () => asCarol().operations.optimalWorkers({ slides: 5 })],
  ])("gets FORBIDDEN from %s", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

// Share links: a signed-out reader sees one persona, read-only, with nothing else of its team; the
// token is shown once and stored only as a hash; links expire and can be revoked, and then answer
// exactly like a token that never existed (404 from the routes too).
import { afterAll } from "vitest";
import { handleSharedAvatar, handleSharedCard } from "@/server/api/persona-routes";
import { hashToken, readSharedPersona } from "@/server/features/persona/share-links";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaTestServices } from "../helpers/persona-services";

const DAY_MS = 24 * 60 * 60 * 1000;

let database: TestDatabase;
let testServices: PersonaTestServices;
let alice: TestUser;
let personaId: string;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
  testServices = createPersonaTestServices({ db: database.db });
  const created = await testServices.caller(alice).persona.createFromDescription({
    description: "Noor Haddad, 27, a night-shift nurse in Glasgow who loves synth music and crosswords. Witty and blunt.",
    options: { postCount: 2 },
  });
  await testServices.services.engine.waitForRun(created.runId);
  personaId = created.personaId;
});
afterAll(async () => {
  await testServices?.close();
});

const asAlice = () => testServices.caller(alice).persona;
const signedOut = () => testServices.caller(null).persona;
const request = (path = "/") => new Request(`http://127.0.0.1${path}`);

describe("a share link", () => {
  test("opens the persona for a signed-out reader, and nothing of its team", async () => {
    const link = await asAlice().shareLinks.create({ personaId });
    expect(link).toMatchObject({ status: "active", expiresAt: null, revokedAt: null });
    expect(Buffer.from(link.token, "base64url")).toHaveLength(32);

    const shared = await signedOut().shared.get({ token: link.token });
    const full = await asAlice().get({ personaId });
    expect(shared.name).toBe("Noor Haddad");
    expect(shared.stages.core).toEqual(full.stages.core.current!.data);
    expect(shared.stages.book).toEqual(full.stages.book.current!.data);
    expect(shared.posts.map((post) => post.data)).toEqual(full.posts.items.map((post) => post.current!.data));
    expect(shared.hasAvatar).toBe(true);
    const text = JSON.stringify(shared);
    for (const secret of [alice.teamId, alice.id, alice.email, personaId, full.run!.id, link.id]) expect(text).not.toContain(secret);
    expect(Object.keys(shared).sort()).toEqual(["hasAvatar", "name", "options", "posts", "source", "stages", "updatedAt"]);

    expect((await handleSharedAvatar(testServices.services, link.token, request())).status).toBe(200);
    const card = await handleSharedCard(testServices.services, link.token, request("/?format=v2"));
    expect(card.status).toBe(200);
    expect(JSON.parse(await card.text())).toMatchObject({ spec: "chara_card_v2", data: { name: "Noor Haddad" } });
  });

  test("is stored as the hash of its token only", async () => {
    const link = await asAlice().shareLinks.create({ personaId });
    const row = await database.db.personaShareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toBe(hashToken(link.token));
    expect(JSON.stringify(row)).not.toContain(link.token);
    expect((await asAlice().shareLinks.list({ personaId })).every((listed) => !("token" in listed))).toBe(true);
  });

  test("is read-only: the shared router reads, and every change needs a signed-in teammate", async () => {
    const link = await asAlice().shareLinks.create({ personaId });
    const before = await asAlice().get({ personaId });
    const core = before.stages.core.current!.data;
    await expect(signedOut().updateStage({ personaId, stage: "core", data: { ...core, name: "Changed" } })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signedOut().shareLinks.revoke({ personaId, linkId: link.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(signedOut().delete({ personaId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await signedOut().shared.get({ token: link.token });
    expect((await asAlice().get({ personaId })).stages).toEqual(before.stages);
  });

  test("expires after the days it was given", async () => {
    const link = await asAlice().shareLinks.create({ personaId, expiresInDays: 2 });
    expect(link.expiresAt!.getTime() - Date.now()).toBeGreaterThan(2 * DAY_MS - 60_000);
    const { db, engine } = testServices.services;
    await expect(readSharedPersona(db, engine, link.token, new Date(Date.now() + DAY_MS))).resolves.toMatchObject({ name: "Noor Haddad" });
    await expect(readSharedPersona(db, engine, link.token, new Date(Date.now() + 3 * DAY_MS))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await database.db.personaShareLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(signedOut().shared.get({ token: link.token })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Persona not found" });
    expect((await handleSharedAvatar(testServices.services, link.token, request())).status).toBe(404);
    expect((await asAlice().shareLinks.list({ personaId })).find((listed) => listed.id === link.id)?.status).toBe("expired");
  });

  test("stops working once revoked, everywhere, and says so in the list", async () => {
    const link = await asAlice().shareLinks.create({ personaId });
    await signedOut().shared.get({ token: link.token });
    expect(await asAlice().shareLinks.revoke({ personaId, linkId: link.id })).toMatchObject({ status: "revoked" });
    await expect(signedOut().shared.get({ token: link.token })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Persona not found" });
    expect((await handleSharedAvatar(testServices.services, link.token, request())).status).toBe(404);
    expect((await handleSharedCard(testServices.services, link.token, request("/?format=png"))).status).toBe(404);
    // Another link of the same persona still works.
    const other = await asAlice().shareLinks.create({ personaId });
    await expect(signedOut().shared.get({ token: other.token })).resolves.toMatchObject({ name: "Noor Haddad" });
  });

  test("answers an unknown or malformed token like a revoked one", async () => {
    await expect(signedOut().shared.get({ token: "x".repeat(43) })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(signedOut().shared.get({ token: "short" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  test("dies with its persona", async () => {
    const created = await asAlice().createFromDescription({ description: "A short-lived tester", options: { postCount: 1, avatar: false } });
    await testServices.services.engine.waitForRun(created.runId);
    const link = await asAlice().shareLinks.create({ personaId: created.personaId });
    await asAlice().delete({ personaId: created.personaId });
    await expect(signedOut().shared.get({ token: link.token })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await database.db.personaShareLink.count({ where: { id: link.id } })).toBe(0);
  });
});

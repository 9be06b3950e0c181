// Who may touch a persona: members of its team read it; changing it follows the role (owners and
// admins change every persona, members their own). Alice (team A) owns a persona, a batch, a share
// link and an upload; Bob (another team) gets NOT_FOUND from every procedure and route that names
// them, as for things that do not exist; a signed-out caller is told to sign in.
import { afterAll } from "vitest";
import { handleCardExport, handleCardImport, handleUpload, handleUploadFile } from "@/server/api/persona-routes";
import type { Auth } from "@/server/auth";
import { findImage } from "@/server/features/images/images";
import type { PersonaView } from "@/server/features/persona/persona-view";
import { storeUploads } from "@/server/features/persona/uploads";
import sharp from "sharp";
import { createUserWithTeam, signedInHeaders, type TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaCaller, type PersonaTestServices } from "../helpers/persona-services";

let database: TestDatabase;
let auth: Auth;
let testServices: PersonaTestServices;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
let persona: PersonaView;
let batchId: string;
let linkId: string;
let uploadId: string;

async function join(user: TestUser, role: "member" | "admin") {
  const invitation = await auth.api.createInvitation({ body: { email: user.email, role, organizationId: alice.teamId }, headers: await signedInHeaders(auth, alice) });
  await auth.api.acceptInvitation({ body: { invitationId: invitation.id }, headers: await signedInHeaders(auth, user) });
}

const picture = () => sharp({ create: { width: 64, height: 64, channels: 3, background: "#884422" } }).png().toBuffer();

test.beforeAll(async ({ database: fileDatabase, auth: fileAuth, alice: owner, bob: outsider, carol: member }) => {
  [database, auth, alice, bob, carol] = [fileDatabase, fileAuth, owner, outsider, member];
  dave = await createUserWithTeam(auth, database.db, "Dave");
  testServices = createPersonaTestServices({ db: database.db });
  const asAlice = testServices.caller(alice);
  const created = await asAlice.persona.createFromDescription({ description: "Ada Quill, 31, a clockmaker who loves tides", options: { postCount: 1 } });
  await testServices.services.engine.waitForRun(created.runId);
  persona = await asAlice.persona.get({ personaId: created.personaId });
  const batch = await asAlice.persona.batches.create({ text: "a sailor", options: { postCount: 1, avatar: false } });
  await testServices.services.engine.waitForRun(batch.runId);
  batchId = batch.batchId;
  linkId = (await asAlice.persona.shareLinks.create({ personaId: persona.id })).id;
  const [upload] = await storeUploads(testServices.services, { userId: alice.id, teamId: alice.teamId }, [{ name: "a.png", bytes: await picture() }]);
  uploadId = upload!.ok ? upload!.uploadId : "";
  await join(carol, "member");
  await join(dave, "admin");
});
afterAll(async () => {
  await testServices?.close();
});

const ids = () => ({ personaId: persona.id });
const core = () => persona.stages.core.current!.data;

/** Every procedure that names Alice's persona, batch, link, upload or run. */
function personaCalls(caller: () => PersonaCaller): Array<[string, () => Promise<unknown>]> {
  const p = () => caller().persona;
  return [
    ["persona.get", () => p().get(ids())],
    ["persona.updateStage", () => p().updateStage({ ...ids(), stage: "core", data: { ...core(), name: "Stolen" } })],
    ["persona.updatePost", () => p().updatePost({ ...ids(), position: 0, data: persona.posts.items[0]!.current!.data })],
    ["persona.restoreVersion", () => p().restoreVersion({ ...ids(), stage: "core", version: 1 })],
    ["persona.regenerateStage", () => p().regenerateStage({ ...ids(), stage: "book" })],
    ["persona.retryFailed", () => p().retryFailed(ids())],
    ["persona.cancel", () => p().cancel(ids())],
    ["persona.delete", () => p().delete(ids())],
    ["persona.shareLinks.create", () => p().shareLinks.create(ids())],
    ["persona.shareLinks.list", () => p().shareLinks.list(ids())],
    ["persona.shareLinks.revoke", () => p().shareLinks.revoke({ ...ids(), linkId })],
    ["persona.batches.get", () => p().batches.get({ batchId })],
    ["persona.batches.retryFailed", () => p().batches.retryFailed({ batchId })],
    ["persona.createFromPicture (Alice's upload)", () => p().createFromPicture({ uploadId, options: {} })],
    ["runs.get", () => caller().runs.get({ runId: persona.run!.id })],
  ];
}

/** The procedures scoped to the selected team. */
function teamCalls(caller: () => PersonaCaller): Array<[string, () => Promise<unknown>]> {
  const p = () => caller().persona;
  return [
    ["persona.list", () => p().list()],
    ["persona.createFromDescription", () => p().createFromDescription({ description: "Intruder", options: {} })],
    ["persona.importCard", () => p().importCard({ json: JSON.stringify({ name: "Intruder", description: "", personality: "", scenario: "", first_mes: "", mes_example: "" }) })],
    ["persona.batches.create", () => p().batches.create({ text: "Intruder", options: {} })],
    ["persona.batches.list", () => p().batches.list()],
    ["persona.teamSettings.get", () => p().teamSettings.get()],
    ["persona.teamSettings.set", () => p().teamSettings.set({ allowMature: true })],
  ];
}

const status = async (response: Promise<Response>) => (await response).status;
const session = (user: TestUser, teamId: string | null = user.teamId) => ({ userId: user.id, activeTeamId: teamId });
const form = async (fields: Record<string, string | Blob>) => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return new Request("http://127.0.0.1/api/personas/uploads", { method: "POST", body });
};

describe("a user of another team", () => {
  const asBob = () => testServices.caller(bob);
  const asBobInAlicesTeam = () => testServices.caller(bob, alice.teamId);

  test.each([
    ...personaCalls(asBob),
    ...personaCalls(asBobInAlicesTeam).map(([name, call]): [string, () => Promise<unknown>] => [`${name}, with Alice's team selected`, call]),
    ...teamCalls(asBobInAlicesTeam).map(([name, call]): [string, () => Promise<unknown>] => [`${name}, with Alice's team selected`, call]),
    ["findImage (the image route's check on the avatar)", () => findImage(database.db, bob.id, persona.avatar.imageId!)],
  ])("gets NOT_FOUND from %s", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test.each([
    ["GET /api/personas/{id}/card", () => handleCardExport(testServices.services, session(bob), persona.id, new Request("http://127.0.0.1/?format=v2"))],
    ["GET /api/personas/uploads/{id}", () => handleUploadFile(testServices.services, session(bob), uploadId, new Request("http://127.0.0.1/"))],
    ["POST /api/personas/uploads into Alice's team", async () => handleUpload(testServices.services, session(bob), await form({ teamId: alice.teamId, files: new Blob([await picture()]) }))],
    ["POST /api/personas/import into Alice's team", async () => handleCardImport(testServices.services, session(bob, alice.teamId), await form({ file: new Blob(['{"name":"x"}']) }))],
  ])("gets 404 from %s", async (_name, call) => {
    expect(await status(call())).toBe(404);
  });

  test("learns nothing more than a missing persona would tell", async () => {
    const missing = await asBob().persona.get({ personaId: crypto.randomUUID() }).catch((error: unknown) => error);
    const foreign = await asBob().persona.get({ personaId: persona.id }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: "Persona not found" });
    expect(foreign).toMatchObject({ code: "NOT_FOUND", message: "Persona not found" });
  });

  test("changed nothing: Alice's persona, link and upload are as they were", async () => {
    const after = await testServices.caller(alice).persona.get(ids());
    expect(after.stages).toEqual(persona.stages);
    expect(await database.db.persona.count({ where: { name: "Intruder" } })).toBe(0);
    expect((await testServices.caller(alice).persona.shareLinks.list(ids()))[0]).toMatchObject({ id: linkId, status: "active" });
    expect(await database.db.personaUpload.count({ where: { teamId: alice.teamId } })).toBe(1);
  });
});

describe("a signed-out caller", () => {
  const signedOut = () => testServices.caller(null);
  test.each([...personaCalls(signedOut), ...teamCalls(signedOut), ["persona.options", () => signedOut().persona.options()]])(
    "is told to sign in by %s",
    async (_name, call) => {
      await expect(call()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    },
  );
});

describe("teammates", () => {
  const asCarol = () => testServices.caller(carol, alice.teamId);
  const asDave = () => testServices.caller(dave, alice.teamId);

  test("a member reads the team's personas, links and cards, and sees she cannot edit Alice's", async () => {
    expect((await asCarol().persona.list()).map((entry) => entry.id)).toContain(persona.id);
    expect(await asCarol().persona.get(ids())).toMatchObject({ id: persona.id, role: "member", canEdit: false });
    expect(await asCarol().persona.shareLinks.list(ids())).toHaveLength(1);
    expect(await status(handleCardExport(testServices.services, session(carol, alice.teamId), persona.id, new Request("http://127.0.0.1/?format=png")))).toBe(200);
    expect(await status(handleUploadFile(testServices.services, session(carol, alice.teamId), uploadId, new Request("http://127.0.0.1/")))).toBe(200);
  });

  test("the batch view tells each teammate which personas they may retry", async () => {
    const canEdit = async (caller: PersonaCaller) => (await caller.persona.batches.get({ batchId })).personas.map((entry) => entry.canEdit);
    expect(await canEdit(testServices.caller(alice))).toEqual([true]);
    expect(await canEdit(asCarol())).toEqual([false]);
    expect(await canEdit(asDave())).toEqual([true]);
  });

  test.each([
    ["persona.updateStage", () => asCarol().persona.updateStage({ ...ids(), stage: "core", data: core() })],
    ["persona.regenerateStage", () => asCarol().persona.regenerateStage({ ...ids(), stage: "book" })],
    ["persona.delete", () => asCarol().persona.delete(ids())],
    ["persona.shareLinks.create", () => asCarol().persona.shareLinks.create(ids())],
    ["persona.shareLinks.revoke", () => asCarol().persona.shareLinks.revoke({ ...ids(), linkId })],
    ["persona.teamSettings.set", () => asCarol().persona.teamSettings.set({ allowMature: true })],
  ])("a member gets FORBIDDEN from %s on Alice's persona", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  test("a member edits the personas she created", async () => {
    const created = await asCarol().persona.createFromDescription({ description: "A quiet librarian", options: { postCount: 1, avatar: false } });
    await testServices.services.engine.waitForRun(created.runId);
    const own = await asCarol().persona.get({ personaId: created.personaId });
    expect(own.canEdit).toBe(true);
    await expect(asCarol().persona.updateStage({ personaId: own.id, stage: "core", data: { ...own.stages.core.current!.data, name: "Rue" } })).resolves.toMatchObject({ version: 2 });
  });

  test("an admin edits any persona of the team and decides whether mature personas are allowed", async () => {
    expect(await asDave().persona.get(ids())).toMatchObject({ role: "admin", canEdit: true });
    await expect(asDave().persona.updateStage({ ...ids(), stage: "core", data: { ...core(), speechStyle: "Brisk." } })).resolves.toMatchObject({ version: 2 });
    const mature = { description: "A noir detective", options: { contentRating: "mature" as const, postCount: 1, avatar: false } };
    await expect(asCarol().persona.createFromDescription(mature)).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/does not allow mature/) });
    expect(await asCarol().persona.teamSettings.get()).toEqual({ allowMature: false, canChange: false });
    expect(await asDave().persona.teamSettings.set({ allowMature: true })).toEqual({ allowMature: true, canChange: true });
    const created = await asCarol().persona.createFromDescription(mature);
    await testServices.services.engine.waitForRun(created.runId);
    expect((await asCarol().persona.get({ personaId: created.personaId })).options.contentRating).toBe("mature");
    // Switching it off again stops mature personas from generating anything more.
    await testServices.caller(alice).persona.teamSettings.set({ allowMature: false });
    await expect(asCarol().persona.regenerateStage({ personaId: created.personaId, stage: "book" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

// The world the authorization matrix calls into, built through the app's own router and auth route
// in one database: Alice owns team A, Dave is its admin and Carol a plain member (both joined by
// invitation, their sessions switched to team A); Bob is the outsider, with a team and things of
// his own. Team A has a story project, a persona (with avatar, upload, batch and share links), a
// slide deck, API keys and a pending invitation, and spares per role for what a call destroys.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { appEngine, imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { storeUploads } from "@/server/features/persona/uploads";
import { APP_ORIGIN, callRoute, signUpThroughRoute, type AppAccount } from "../../helpers/app-in-process";

export type Role = "owner" | "admin" | "member";
export const ROLES: readonly Role[] = ["owner", "admin", "member"];

export interface Subjects {
  teamId: string;
  projectId: string;
  sceneId: string;
  sceneImageId: string;
  projectRunId: string;
  personaId: string;
  personaRunId: string;
  avatarImageId: string;
  uploadId: string;
  batchId: string;
  linkId: string;
  shareToken: string;
  deckId: string;
  slideId: string;
  slideImageId: string;
  deckRunId: string;
  apiKeyId: string;
  apiKey: string;
}

export interface Spare {
  uploadId: string;
  projectId: string;
  personaId: string;
  deckId: string;
  /** A slide of the spare deck. */
  slideId: string;
  linkId: string;
  apiKeyId: string;
}

export interface World {
  owner: AppAccount;
  admin: AppAccount;
  member: AppAccount;
  outsider: AppAccount;
  /** Team A's things (Alice's team). */
  a: Subjects;
  /** Bob's things in his own team, for calls that mix his ids with Alice's. */
  b: Subjects;
  spare: Record<Role, Spare>;
  revokedToken: string;
  invitationId: string;
  /** The team's data as Alice sees it, to build inputs that pass validation. */
  persona: Awaited<ReturnType<ReturnType<typeof callerAs>["persona"]["get"]>>;
  project: Awaited<ReturnType<ReturnType<typeof callerAs>["story"]["get"]>>;
}

export function callerAs(account: AppAccount | null, teamId: string | null = account?.teamId ?? null) {
  return createCaller(createInnerContext({ db: db(), user: account ? { id: account.id, name: account.name, email: account.email } : null, activeTeamId: teamId }));
}

/** Every run the engine knows has ended (or none was started). */
export async function settle(): Promise<void> {
  for (let waited = 0; ; waited += 20) {
    const status = appEngine().status();
    const active = await db().run.count({ where: { status: { in: ["queued", "running"] } } });
    if (status.activeRuns === 0 && status.waitingRuns === 0 && active === 0) return;
    if (waited > 60_000) throw new Error(`Runs did not settle: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function authPost(account: AppAccount | null, pathName: string, json: unknown) {
  return callRoute("/api/auth/[...all]", { all: pathName.split("/").filter(Boolean) }, {
    method: "POST",
    json,
    cookie: account?.cookie ?? null,
    headers: { origin: APP_ORIGIN },
    url: `/api/auth/${pathName}`,
  });
}

async function joinTeam(owner: AppAccount, account: AppAccount, role: Role): Promise<void> {
  const invited = await authPost(owner, "organization/invite-member", { email: account.email, role, organizationId: owner.teamId });
  if (!invited.ok) throw new Error(`Inviting ${account.name}: ${invited.status} ${await invited.text()}`);
  const { id } = (await invited.json()) as { id: string };
  const accepted = await authPost(account, "organization/accept-invitation", { invitationId: id });
  if (!accepted.ok) throw new Error(`Accepting for ${account.name}: ${accepted.status} ${await accepted.text()}`);
  const active = await authPost(account, "organization/set-active", { organizationId: owner.teamId });
  if (!active.ok) throw new Error(`Switching ${account.name}: ${active.status} ${await active.text()}`);
}

const picture = () => sharp({ create: { width: 48, height: 48, channels: 3, background: "#335577" } }).png().toBuffer();

const STORY =
  "Maren Holt rowed out to the lighthouse on Gull Point with a crate of lamp oil. She wore a grey wool coat and a red scarf.\n\n" +
  "That night the storm came, and Pip Calloway in his yellow oilskin jacket climbed the stairs to help her light the lamp.";

const deckForm = (title: string) => ({
  title,
  stylePreset: "flat-corporate" as const,
  aspectRatio: "16:9" as const,
  quality: "standard" as const,
  slides: [
    { title: "One", text: "Revenue grew in the north.", imagePrompt: "" },
    { title: "Two", text: "The harbour opened.", imagePrompt: "A harbour at dawn" },
  ],
});

async function createProject(account: AppAccount, title: string) {
  const { projectId, runId } = await callerAs(account).story.create({ title, story: STORY, sceneCount: 2, stylePreset: "watercolor", size: "1024x1024", quality: "standard", reviewPrompts: false });
  await appEngine().waitForRun(runId);
  return { projectId, runId };
}

async function createPersona(account: AppAccount, description: string) {
  const { personaId, runId } = await callerAs(account).persona.createFromDescription({ description, options: { postCount: 1, lorebookEntryCount: 1 } });
  await appEngine().waitForRun(runId);
  return { personaId, runId };
}

async function createDeck(account: AppAccount, title: string) {
  const { deckId, runId } = await callerAs(account).slides.create(deckForm(title));
  await appEngine().waitForRun(runId);
  return { deckId, runId };
}

async function subjectsOf(account: AppAccount, name: string): Promise<Subjects> {
  const caller = callerAs(account);
  const [project, persona, deck] = await Promise.all([createProject(account, `${name}'s project`), createPersona(account, `${name} Quill, 31, a clockmaker who loves tides`), createDeck(account, `${name}'s deck`)]);
  const projectView = await caller.story.get({ projectId: project.projectId });
  const personaView = await caller.persona.get({ personaId: persona.personaId });
  const deckView = await caller.slides.get({ deckId: deck.deckId });
  const [upload] = await storeUploads({ db: db(), images: imageStore() }, { userId: account.id, teamId: account.teamId }, [{ name: "a.png", bytes: await picture() }]);
  if (!upload?.ok) throw new Error("The upload was refused");
  const batch = await caller.persona.batches.create({ text: `a sailor from ${name}'s coast`, options: { postCount: 1, avatar: false } });
  await appEngine().waitForRun(batch.runId);
  const link = await caller.persona.shareLinks.create({ personaId: persona.personaId });
  const key = await caller.slides.apiKeys.create({ name: `${name}'s script` });
  return {
    teamId: account.teamId,
    projectId: project.projectId,
    sceneId: projectView.scenes[0]!.id,
    sceneImageId: projectView.scenes[0]!.currentImageId!,
    projectRunId: project.runId,
    personaId: persona.personaId,
    personaRunId: persona.runId,
    avatarImageId: personaView.avatar.imageId!,
    uploadId: upload.uploadId,
    batchId: batch.batchId,
    linkId: link.id,
    shareToken: link.token,
    deckId: deck.deckId,
    slideId: deckView.slides[0]!.id,
    slideImageId: deckView.slides[0]!.currentImageId!,
    deckRunId: deck.runId,
    apiKeyId: key.id,
    apiKey: key.key,
  };
}

export async function buildWorld(): Promise<World> {
  const owner = await signUpThroughRoute("Alice", "198.51.100.1");
  const outsider = await signUpThroughRoute("Bob", "198.51.100.2");
  const admin = await signUpThroughRoute("Dave", "198.51.100.3");
  const member = await signUpThroughRoute("Carol", "198.51.100.4");
  await joinTeam(owner, admin, "admin");
  await joinTeam(owner, member, "member");
  admin.teamId = owner.teamId;
  member.teamId = owner.teamId;

  const [a, b] = [await subjectsOf(owner, "Alice"), await subjectsOf(outsider, "Bob")];
  const spare = {} as Record<Role, Spare>;
  for (const role of ROLES) {
    const caller = callerAs(owner);
    const { projectId } = await createProject(owner, `Spare project for the ${role}`);
    const { personaId } = await createPersona(owner, `Spare persona for the ${role}, a baker`);
    const { deckId } = await createDeck(owner, `Spare deck for the ${role}`);
    const slideId = (await caller.slides.get({ deckId })).slides[1]!.id;
    const link = await caller.persona.shareLinks.create({ personaId: a.personaId });
    const key = await caller.slides.apiKeys.create({ name: `Spare key for the ${role}` });
    const [upload] = await storeUploads({ db: db(), images: imageStore() }, { userId: owner.id, teamId: owner.teamId }, [{ name: "spare.png", bytes: await picture() }]);
    spare[role] = { uploadId: upload!.ok ? upload!.uploadId : "", projectId, personaId, deckId, slideId, linkId: link.id, apiKeyId: key.id };
  }
  const revoked = await callerAs(owner).persona.shareLinks.create({ personaId: a.personaId });
  await callerAs(owner).persona.shareLinks.revoke({ personaId: a.personaId, linkId: revoked.id });
  const invited = await authPost(owner, "organization/invite-member", { email: `pending-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "member", organizationId: owner.teamId });
  const { id: invitationId } = (await invited.json()) as { id: string };
  await settle();
  return {
    owner,
    admin,
    member,
    outsider,
    a,
    b,
    spare,
    revokedToken: revoked.token,
    invitationId,
    persona: await callerAs(owner).persona.get({ personaId: a.personaId }),
    project: await callerAs(owner).story.get({ projectId: a.projectId }),
  };
}

/** Every row of every table, in a stable order: what "changed nothing" is checked against. */
export function dumpDatabase(databaseUrl: string): Record<string, unknown[]> {
  const sqlite = new Database(databaseUrl.slice("file:".length), { readonly: true });
  try {
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    return Object.fromEntries(tables.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
  } catch (error) {
    // WITHOUT ROWID tables have no rowid: order them by every column instead.
    if (!String(error).includes("rowid")) throw error;
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    return Object.fromEntries(tables.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY 1`).all()]));
  } finally {
    sqlite.close();
  }
}

/** The files under DATA_DIR/images. */
export function imageFiles(dataDirectory: string): string[] {
  const directory = path.join(dataDirectory, "images");
  return fs.existsSync(directory) ? fs.readdirSync(directory).sort() : [];
}

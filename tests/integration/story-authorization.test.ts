// Who may touch a story project: members of its team. Alice (team A) owns a project; Bob (another
// team) gets NOT_FOUND from every story and run procedure and the export, exactly as for a project
// that does not exist, and from the image route's check exactly as for an image that does not
// exist; a signed-out caller is told to sign in; Carol, invited into team A, reads it.
import type { Auth } from "@/server/auth";
import { parseEnv } from "@/server/env";
import { findImage, imageFile } from "@/server/features/images/images";
import { exportProject } from "@/server/features/story/project-export";
import type { ProjectView } from "@/server/features/story/projects";
import { storyOfflineResponders } from "@/server/features/story/story-offline";
import { createProviders } from "@/server/providers/create-providers";
import { signedInHeaders, type TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createStoryTestServices, type StoryCaller, type StoryTestServices } from "../helpers/story-services";

const STORY =
  "Maren Holt rowed out to the lighthouse on Gull Point with a crate of lamp oil. She wore a grey wool coat and a red scarf.\n\n" +
  "That night the storm came, and Pip Calloway in his yellow oilskin jacket climbed the stairs to help her light the lamp.";

let database: TestDatabase;
let auth: Auth;
let testServices: StoryTestServices;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let project: ProjectView;

// The whole file works on one project; the fixtures are kept for the helpers below.
test.beforeAll(async ({ database: fileDatabase, auth: fileAuth, alice: owner, bob: outsider, carol: invited }) => {
  [database, auth, alice, bob, carol] = [fileDatabase, fileAuth, owner, outsider, invited];
  testServices = createStoryTestServices({ db: database.db, providers: createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: storyOfflineResponders }) });

  const { projectId, runId } = await testServices.caller(alice).story.create({
    title: "Gull Point",
    story: STORY,
    sceneCount: 2,
    stylePreset: "watercolor",
    size: "1024x1024",
    quality: "standard",
    reviewPrompts: false,
  });
  const run = await testServices.services.engine.waitForRun(runId);
  if (run.status !== "succeeded") throw new Error(`The project's run ended ${run.status}`);
  project = await testServices.caller(alice).story.get({ projectId });
});
test.afterAll(async () => {
  await testServices?.close();
});

/** Reads a subscription to its end (or its first error). */
async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _event of stream) count += 1;
  return count;
}

/** The ids of Alice's project, scene, image and run; read when a call runs, after beforeAll. */
function ids() {
  const scene = project.scenes[0]!;
  return { projectId: project.id, sceneId: scene.id, imageId: scene.currentImageId!, runId: project.run!.id };
}

/** Every procedure that names Alice's project, scene, image or run, as `caller` would call it. */
function projectCalls(caller: () => StoryCaller): Array<[string, () => Promise<unknown>]> {
  const { story, runs } = { story: () => caller().story, runs: () => caller().runs };
  return [
    ["story.get", () => story().get({ projectId: ids().projectId })],
    [
      "story.updateScene",
      () => story().updateScene({ ...ids(), imagePrompt: "a stolen prompt", negativePrompt: "", styleTags: [] }),
    ],
    ["story.regenerateScene", () => story().regenerateScene(ids())],
    ["story.renderAll", () => story().renderAll({ projectId: ids().projectId })],
    ["story.setCurrentImage", () => story().setCurrentImage(ids())],
    [
      "story.updateCharacters",
      () =>
        story().updateCharacters({
          projectId: ids().projectId,
          characters: project.characters.map((character) => ({ ...character, name: `${character.name} the Second` })),
        }),
    ],
    ["story.retryFailed", () => story().retryFailed({ projectId: ids().projectId })],
    ["story.cancel", () => story().cancel({ projectId: ids().projectId })],
    ["story.delete", () => story().delete({ projectId: ids().projectId })],
    ["runs.get", () => runs().get({ runId: ids().runId })],
    ["runs.events", async () => drain(await runs().events({ runId: ids().runId }))],
    ["runs.cancel", () => runs().cancel({ runId: ids().runId })],
    ["runs.retryFailed", () => runs().retryFailed({ runId: ids().runId })],
  ];
}

describe("a user of another team", () => {
  const asBob = () => testServices.caller(bob);
  const asBobInAlicesTeam = () => testServices.caller(bob, alice.teamId);

  const outsideAccess = (): Array<[string, () => Promise<unknown>]> => [
    ["exportProject", () => exportProject(database.db, testServices.services.images, bob.id, ids().projectId)],
  ];
  const imageAccess = (imageId: () => string): Array<[string, () => Promise<unknown>]> => [
    ["findImage", () => findImage(database.db, bob.id, imageId())],
    ["imageFile (the image route)", () => imageFile(database.db, bob.id, imageId(), "original")],
    ["imageFile of the thumbnail", () => imageFile(database.db, bob.id, imageId(), "thumbnail")],
  ];

  test.each([
    ...projectCalls(asBob),
    ...projectCalls(asBobInAlicesTeam).map(([name, call]): [string, () => Promise<unknown>] => [`${name}, with Alice's team selected`, call]),
    ...outsideAccess(),
    ...imageAccess(() => ids().imageId),
    ["story.list, with Alice's team selected", () => asBobInAlicesTeam().story.list()],
  ])("gets NOT_FOUND from %s", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("is told exactly what a project that does not exist would tell them", async () => {
    const missing = await asBob().story.get({ projectId: crypto.randomUUID() }).catch((error: unknown) => error);
    const foreign = await asBob().story.get({ projectId: project.id }).catch((error: unknown) => error);
    expect(missing).toMatchObject({ code: "NOT_FOUND", message: "Project not found" });
    expect(foreign).toMatchObject({ code: "NOT_FOUND", message: "Project not found" });
  });

  test.each([...projectCalls(asBob).filter(([name]) => name.startsWith("story.")), ...outsideAccess()])(
    "learns from %s no more than that there is no such project",
    async (_name, call) => {
      await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND", message: "Project not found" });
    },
  );

  test.each(imageAccess(() => ids().imageId))("learns from %s no more than that there is no such image", async (name, call) => {
    const missing = imageAccess(() => crypto.randomUUID()).find(([candidate]) => candidate === name)![1];
    const expected = { code: "NOT_FOUND", message: "Image not found" };
    await expect(missing()).rejects.toMatchObject(expected);
    await expect(call()).rejects.toMatchObject(expected);
  });

  test("does not see the project in their own list", async () => {
    const listed = await asBob().story.list();
    expect(listed.map((entry) => entry.id)).not.toContain(project.id);
  });

  test("cannot create a project in Alice's team", async () => {
    const created = asBobInAlicesTeam().story.create({
      title: "Intruder",
      story: STORY,
      sceneCount: 1,
      stylePreset: "comic",
      size: "1024x1024",
      quality: "standard",
      reviewPrompts: true,
    });
    await expect(created).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await database.db.storyProject.count({ where: { title: "Intruder" } })).toBe(0);
  });

  test("changed nothing with all those calls: Alice's project is as it was", async () => {
    const after = await testServices.caller(alice).story.get({ projectId: project.id });
    expect(after).toEqual(project);
    expect((await testServices.services.engine.getRun(project.run!.id))?.status).toBe("succeeded");
  });
});

describe("a signed-out caller", () => {
  const signedOut = () => testServices.caller(null);

  test.each([
    ...projectCalls(signedOut),
    ["story.list", () => signedOut().story.list()],
    ["story.options", () => signedOut().story.options()],
  ])("is told to sign in by %s", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("a teammate invited into Alice's team", () => {
  test.beforeAll(async () => {
    const invitation = await auth.api.createInvitation({
      body: { email: carol.email, role: "member", organizationId: alice.teamId },
      headers: await signedInHeaders(auth, alice),
    });
    // Before accepting, Carol is an outsider like Bob.
    await expect(testServices.caller(carol).story.get({ projectId: project.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await auth.api.acceptInvitation({ body: { invitationId: invitation.id }, headers: await signedInHeaders(auth, carol) });
  });

  test("reads the project, its run, its images and its export", async () => {
    const asCarol = testServices.caller(carol, alice.teamId);
    expect(await asCarol.story.get({ projectId: project.id })).toEqual(await testServices.caller(alice).story.get({ projectId: project.id }));
    expect((await asCarol.story.list()).map((entry) => entry.id)).toContain(project.id);
    expect(await asCarol.runs.get({ runId: project.run!.id })).toMatchObject({ id: project.run!.id, status: "succeeded" });
    expect(await drain(await asCarol.runs.events({ runId: project.run!.id }))).toBeGreaterThan(0);

    const image = await findImage(database.db, carol.id, project.scenes[0]!.currentImageId!);
    expect(image.id).toBe(project.scenes[0]!.currentImageId);
    const file = await imageFile(database.db, carol.id, image.id, "thumbnail");
    expect(file).toEqual({ file: image.thumbnailFile, contentType: "image/webp" });
    const { stream } = await exportProject(database.db, testServices.services.images, carol.id, project.id);
    expect((await new Response(stream).arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});

// Every tRPC procedure of the app router, with who may call it. The matrix test fails when a
// procedure is missing here or an entry names a procedure that no longer exists.
//   public     anyone, signed in or not (`why` says why);
//   signed-in  anyone signed in: it reads or writes nothing of a team (`why` says what it does);
//   team       acts on the caller's active team: an outsider who selects team A gets NOT_FOUND;
//   subject    names a thing of team A by id: an outsider gets NOT_FOUND, whatever team he selects.
// `roles` is what a member of team A gets, by role.
import type { Role, World } from "./world";

export type Outcome = "ok" | "FORBIDDEN" | "BAD_REQUEST" | "CONFLICT";
export type Kind = "public" | "signed-in" | "team" | "subject";

export interface ProcedureCase {
  kind: Kind;
  why?: string;
  input?: (world: World) => unknown;
  /** Inputs mixing the outsider's own ids with team A's: NOT_FOUND as well. */
  mixed?: (world: World) => unknown[];
  /** A member's input when it differs (what a call destroys is the role's own spare). */
  memberInput?: (world: World, role: Role) => unknown;
  roles: Record<Role, Outcome>;
}

const everyone: Record<Role, Outcome> = { owner: "ok", admin: "ok", member: "ok" };
const managers: Record<Role, Outcome> = { owner: "ok", admin: "ok", member: "FORBIDDEN" };

const core = (world: World) => world.persona.stages.core.current!.data;
const post = (world: World) => world.persona.posts.items[0]!.current!.data;
const deckSlides = [{ title: "Only", text: "One slide.", imagePrompt: "" }];

export const PROCEDURES: Record<string, ProcedureCase> = {
  "system.info": { kind: "public", why: "which provider answers (the offline preview or a real one), shown on every page, signed in or not; names nothing of any team", roles: everyone },

  "teams.list": { kind: "signed-in", why: "the caller's own teams", roles: everyone },
  "teams.current": { kind: "team", roles: everyone },
  "teams.invitation": {
    kind: "public",
    why: "the invitation page names the team to the invitee before they sign in or sign up; the id is a random, unguessable invitation id",
    input: (world) => ({ id: world.invitationId }),
    roles: everyone,
  },

  "runs.get": { kind: "subject", input: (world) => ({ runId: world.a.projectRunId }), roles: everyone },
  "runs.cancel": { kind: "subject", input: (world) => ({ runId: world.a.projectRunId }), roles: everyone },
  "runs.retryFailed": { kind: "subject", input: (world) => ({ runId: world.a.deckRunId }), roles: everyone },
  "runs.events": { kind: "subject", input: (world) => ({ runId: world.a.personaRunId }), roles: everyone },

  "story.options": { kind: "signed-in", why: "style presets and worker limits, the same for everyone", roles: everyone },
  "story.list": { kind: "team", roles: everyone },
  "story.create": {
    kind: "team",
    input: () => ({ title: "Intruder", story: "A short story about a fox who crossed the river at night.", sceneCount: 1, stylePreset: "comic", size: "1024x1024", quality: "standard", reviewPrompts: true }),
    roles: everyone,
  },
  "story.get": { kind: "subject", input: (world) => ({ projectId: world.a.projectId }), roles: everyone },
  "story.updateScene": {
    kind: "subject",
    input: (world) => ({ projectId: world.a.projectId, sceneId: world.a.sceneId, imagePrompt: "a stolen prompt", negativePrompt: "", styleTags: [] }),
    mixed: (world) => [{ projectId: world.b.projectId, sceneId: world.a.sceneId, imagePrompt: "a stolen prompt", negativePrompt: "", styleTags: [] }],
    roles: everyone,
  },
  "story.regenerateScene": {
    kind: "subject",
    input: (world) => ({ projectId: world.a.projectId, sceneId: world.a.sceneId }),
    mixed: (world) => [{ projectId: world.b.projectId, sceneId: world.a.sceneId }],
    roles: everyone,
  },
  "story.renderAll": { kind: "subject", input: (world) => ({ projectId: world.a.projectId }), roles: everyone },
  "story.setCurrentImage": {
    kind: "subject",
    input: (world) => ({ projectId: world.a.projectId, sceneId: world.a.sceneId, imageId: world.a.sceneImageId }),
    mixed: (world) => [
      { projectId: world.b.projectId, sceneId: world.b.sceneId, imageId: world.a.sceneImageId },
      { projectId: world.b.projectId, sceneId: world.a.sceneId, imageId: world.a.sceneImageId },
    ],
    roles: everyone,
  },
  "story.updateCharacters": {
    kind: "subject",
    input: (world) => ({ projectId: world.a.projectId, characters: world.project.characters.map((character) => ({ ...character, name: `${character.name} the Second` })) }),
    roles: everyone,
  },
  "story.retryFailed": { kind: "subject", input: (world) => ({ projectId: world.a.projectId }), roles: everyone },
  "story.cancel": { kind: "subject", input: (world) => ({ projectId: world.a.projectId }), roles: everyone },
  "story.delete": { kind: "subject", input: (world) => ({ projectId: world.a.projectId }), memberInput: (world, role) => ({ projectId: world.spare[role].projectId }), roles: everyone },

  "persona.options": { kind: "signed-in", why: "stage names, defaults and limits, the same for everyone", roles: everyone },
  "persona.list": { kind: "team", roles: everyone },
  "persona.createFromDescription": { kind: "team", input: () => ({ description: "Intruder, a thief", options: { postCount: 1, avatar: false } }), roles: everyone },
  "persona.createFromPicture": {
    kind: "team",
    input: (world) => ({ uploadId: world.a.uploadId, options: { postCount: 1, avatar: false } }),
    mixed: (world) => [{ uploadId: world.a.uploadId, options: {} }],
    // An upload makes one persona: each member uses one of their own.
    memberInput: (world, role) => ({ uploadId: world.spare[role].uploadId, options: { postCount: 1, avatar: false } }),
    roles: everyone,
  },
  "persona.importCard": {
    kind: "team",
    input: () => ({ json: JSON.stringify({ name: "Intruder", description: "", personality: "", scenario: "", first_mes: "", mes_example: "" }) }),
    roles: everyone,
  },
  "persona.get": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), roles: everyone },
  "persona.updateStage": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, stage: "core", data: { ...core(world), name: "Stolen" } }), roles: managers },
  "persona.updatePost": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, position: 0, data: post(world) }), roles: managers },
  "persona.restoreVersion": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, stage: "core", version: 1 }), roles: managers },
  "persona.postVersions": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, position: 0 }), roles: everyone },
  "persona.restorePost": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, position: 0, version: 1 }), roles: managers },
  "persona.restoreAvatar": {
    kind: "subject",
    input: (world) => ({ personaId: world.a.personaId, imageId: world.a.avatarImageId }),
    mixed: (world) => [{ personaId: world.b.personaId, imageId: world.a.avatarImageId }],
    roles: managers,
  },
  "persona.regenerateStage": { kind: "subject", input: (world) => ({ personaId: world.a.personaId, stage: "book" }), roles: managers },
  // Nothing of the persona failed: "nothing to retry" for those who may change it.
  "persona.retryFailed": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), roles: { owner: "BAD_REQUEST", admin: "BAD_REQUEST", member: "FORBIDDEN" } },
  "persona.cancel": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), roles: managers },
  "persona.delete": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), memberInput: (world, role) => ({ personaId: world.spare[role].personaId }), roles: managers },
  "persona.batches.preview": { kind: "signed-in", why: "reads pasted descriptions and reports each line's problem; stores nothing", input: () => ({ text: "a sailor\na baker" }), roles: everyone },
  "persona.batches.create": { kind: "team", input: () => ({ text: "an intruder", options: { postCount: 1, avatar: false } }), roles: everyone },
  "persona.batches.list": { kind: "team", roles: everyone },
  "persona.batches.get": { kind: "subject", input: (world) => ({ batchId: world.a.batchId }), roles: everyone },
  // Nothing of the batch failed: "nothing to retry" for everyone (a member would retry only their own).
  "persona.batches.retryFailed": { kind: "subject", input: (world) => ({ batchId: world.a.batchId }), roles: { owner: "BAD_REQUEST", admin: "BAD_REQUEST", member: "BAD_REQUEST" } },
  // Cancelling a batch stops every persona it made: its creator (team A's owner here) and managers.
  "persona.batches.cancel": { kind: "subject", input: (world) => ({ batchId: world.a.batchId }), roles: managers },
  "persona.shareLinks.create": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), roles: managers },
  "persona.shareLinks.list": { kind: "subject", input: (world) => ({ personaId: world.a.personaId }), roles: everyone },
  "persona.shareLinks.revoke": {
    kind: "subject",
    input: (world) => ({ personaId: world.a.personaId, linkId: world.a.linkId }),
    mixed: (world) => [{ personaId: world.b.personaId, linkId: world.a.linkId }],
    memberInput: (world, role) => ({ personaId: world.a.personaId, linkId: world.spare[role].linkId }),
    roles: managers,
  },
  "persona.shared.get": {
    kind: "public",
    why: "a share link opens one persona, read-only, for whoever holds its token (stored as a hash; revocable)",
    input: (world) => ({ token: world.a.shareToken }),
    roles: everyone,
  },
  "persona.teamSettings.get": { kind: "team", roles: everyone },
  "persona.teamSettings.set": { kind: "team", input: () => ({ allowMature: false }), roles: managers },

  "slides.options": { kind: "signed-in", why: "style presets, aspect ratios and limits, the same for everyone", roles: everyone },
  "slides.list": { kind: "team", roles: everyone },
  "slides.create": { kind: "team", input: () => ({ title: "Intruder", stylePreset: "flat-corporate", aspectRatio: "1:1", quality: "standard", slides: deckSlides }), roles: everyone },
  "slides.previewOutline": { kind: "signed-in", why: "reads a pasted outline into slides; stores nothing", input: () => ({ outline: "# One\n- a point" }), roles: everyone },
  "slides.createFromOutline": { kind: "team", input: () => ({ outline: "# One", stylePreset: "isometric", aspectRatio: "1:1", quality: "standard" }), roles: everyone },
  "slides.get": { kind: "subject", input: (world) => ({ deckId: world.a.deckId }), roles: everyone },
  "slides.updateSlide": {
    kind: "subject",
    input: (world) => ({ deckId: world.a.deckId, slideId: world.a.slideId, title: "Stolen" }),
    mixed: (world) => [{ deckId: world.b.deckId, slideId: world.a.slideId, title: "Stolen" }],
    roles: everyone,
  },
  "slides.addSlide": { kind: "subject", input: (world) => ({ deckId: world.a.deckId, title: "Added", text: "A slide added later." }), roles: everyone },
  "slides.removeSlide": {
    kind: "subject",
    input: (world) => ({ deckId: world.a.deckId, slideId: world.a.slideId }),
    mixed: (world) => [{ deckId: world.b.deckId, slideId: world.a.slideId }],
    // A removed slide is gone: each member removes a slide of their own spare deck.
    memberInput: (world, role) => ({ deckId: world.spare[role].deckId, slideId: world.spare[role].slideId }),
    roles: everyone,
  },
  "slides.moveSlide": {
    kind: "subject",
    input: (world) => ({ deckId: world.a.deckId, slideId: world.a.slideId, position: 1 }),
    mixed: (world) => [{ deckId: world.b.deckId, slideId: world.a.slideId, position: 0 }],
    roles: everyone,
  },
  "slides.regenerateSlide": {
    kind: "subject",
    input: (world) => ({ deckId: world.a.deckId, slideId: world.a.slideId, imagePrompt: "a stolen prompt" }),
    mixed: (world) => [{ deckId: world.b.deckId, slideId: world.a.slideId }],
    roles: everyone,
  },
  "slides.setCurrentImage": {
    kind: "subject",
    input: (world) => ({ deckId: world.a.deckId, slideId: world.a.slideId, imageId: world.a.slideImageId }),
    mixed: (world) => [
      { deckId: world.b.deckId, slideId: world.b.slideId, imageId: world.a.slideImageId },
      { deckId: world.b.deckId, slideId: world.a.slideId, imageId: world.a.slideImageId },
    ],
    roles: everyone,
  },
  "slides.retryFailed": { kind: "subject", input: (world) => ({ deckId: world.a.deckId }), roles: everyone },
  "slides.cancel": { kind: "subject", input: (world) => ({ deckId: world.a.deckId }), roles: everyone },
  "slides.delete": { kind: "subject", input: (world) => ({ deckId: world.a.deckId }), memberInput: (world, role) => ({ deckId: world.spare[role].deckId }), roles: everyone },
  "slides.apiKeys.list": { kind: "team", roles: managers },
  "slides.apiKeys.create": { kind: "team", input: () => ({ name: "mine now" }), roles: managers },
  "slides.apiKeys.revoke": {
    kind: "team",
    input: (world) => ({ keyId: world.a.apiKeyId }),
    mixed: (world) => [{ keyId: world.a.apiKeyId }],
    memberInput: (world, role) => ({ keyId: world.spare[role].apiKeyId }),
    roles: managers,
  },

  "operations.active": { kind: "team", roles: managers },
  "operations.validate": { kind: "team", input: () => ({ slides: 5 }), roles: managers },
  "operations.optimalWorkers": { kind: "team", input: () => ({ slides: 5 }), roles: managers },
};

// Every route file under src/app/api and each HTTP method it exports, with who may call it. The
// matrix test fails when a route or method is missing here, or an entry names one that is gone.
//   public      anyone (`why` says why);
//   session     a signed-in member of the thing's team (cookie): 401 signed out, 404 for outsiders;
//   share-link  whoever holds a live share token; a revoked one is 404 for everyone;
//   team-key    a team API key (Authorization: Bearer): 401 without, 404 with another team's key;
//   operator    the operator key or an owner's or admin's session (see `why`).
import { APP_ORIGIN } from "../../helpers/app-in-process";
import type { Role, World } from "./world";

export type RouteKind = "public" | "session" | "share-link" | "team-key" | "operator";

export interface RouteCall {
  params: Record<string, string | string[]>;
  /** Path and query; the pattern filled with params when absent. */
  url?: string;
  headers?: Record<string, string>;
  body?: () => BodyInit | Promise<BodyInit>;
  json?: unknown;
}

export interface RouteCase {
  kind: RouteKind;
  why?: string;
  /** The request naming team A's things (the caller's credentials are added by the test). */
  call: (world: World) => RouteCall;
  /** Further outsider requests (other ids, other endpoints behind the same file): each must fail without changing anything. */
  outsiderCalls?: (world: World) => Array<{ label: string; call: RouteCall }>;
  /** Statuses: signed out, the outsider (Bob's cookie or key), and members of team A by role. */
  expect: { anonymous: number; outsider: number | null; roles: Record<Role, number> };
  /** Why the outsider has no call on team A here (`outsider: null`). */
  noOutsiderCall?: string;
}

const allOk = { owner: 200, admin: 200, member: 200 };

const picture = async () => {
  const sharp = (await import("sharp")).default;
  return sharp({ create: { width: 32, height: 32, channels: 3, background: "#aa3311" } }).png().toBuffer();
};

const form = (fields: Record<string, string | (() => Promise<Buffer>)>) => async () => {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") body.append(name, value);
    else body.append(name, new File([new Uint8Array(await value())], `${name}.png`, { type: "image/png" }));
  }
  return body;
};

const trpcGet = (path: string, input: unknown) => `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

export const ROUTES: Record<string, RouteCase> = {
  "GET /api/auth/[...all]": {
    kind: "public",
    why: "better-auth's own endpoints (session, teams, invitations): each checks the session and team membership itself",
    call: () => ({ params: { all: ["get-session"] }, url: "/api/auth/get-session" }),
    outsiderCalls: (world) => [
      { label: "team A's full organization", call: { params: { all: ["organization", "get-full-organization"] }, url: `/api/auth/organization/get-full-organization?organizationId=${world.a.teamId}` } },
      { label: "team A's members", call: { params: { all: ["organization", "list-members"] }, url: `/api/auth/organization/list-members?organizationId=${world.a.teamId}` } },
      { label: "team A's invitation", call: { params: { all: ["organization", "get-invitation"] }, url: `/api/auth/organization/get-invitation?id=${world.invitationId}` } },
    ],
    expect: { anonymous: 200, outsider: 200, roles: allOk },
  },
  "POST /api/auth/[...all]": {
    kind: "public",
    why: "sign-up, sign-in (throttled per account and address) and better-auth's team endpoints, which check membership and role themselves",
    call: () => ({ params: { all: ["sign-in", "email"] }, url: "/api/auth/sign-in/email", json: { email: "nobody@example.com", password: "not a password" } }),
    outsiderCalls: (world) => {
      const post = (path: string, json: unknown) => ({ label: path, call: { params: { all: path.split("/") }, url: `/api/auth/${path}`, json } });
      return [
        post("organization/set-active", { organizationId: world.a.teamId }),
        post("organization/invite-member", { email: "accomplice@example.com", role: "owner", organizationId: world.a.teamId }),
        post("organization/update", { organizationId: world.a.teamId, data: { name: "Taken over" } }),
        post("organization/delete", { organizationId: world.a.teamId }),
        post("organization/remove-member", { memberIdOrEmail: world.member.email, organizationId: world.a.teamId }),
        post("organization/update-member-role", { memberId: world.member.id, role: "owner", organizationId: world.a.teamId }),
        post("organization/cancel-invitation", { invitationId: world.invitationId }),
        post("organization/accept-invitation", { invitationId: world.invitationId }),
        post("organization/leave", { organizationId: world.a.teamId }),
      ];
    },
    expect: { anonymous: 401, outsider: 401, roles: { owner: 401, admin: 401, member: 401 } },
  },
  "GET /api/trpc/[trpc]": {
    kind: "session",
    call: (world) => ({ params: { trpc: "story.get" }, url: trpcGet("story.get", { projectId: world.a.projectId }) }),
    outsiderCalls: (world) => [
      { label: "the live events of team A's run", call: { params: { trpc: "runs.events" }, url: trpcGet("runs.events", { runId: world.a.projectRunId }), headers: { accept: "text/event-stream" } } },
      { label: "a batched query of team A's deck and persona", call: { params: { trpc: "slides.get,persona.get" }, url: `/api/trpc/slides.get,persona.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { deckId: world.a.deckId } }, 1: { json: { personaId: world.a.personaId } } }))}` } },
    ],
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "POST /api/trpc/[trpc]": {
    kind: "session",
    call: (world) => ({ params: { trpc: "story.updateScene" }, url: "/api/trpc/story.updateScene", json: { json: { projectId: world.a.projectId, sceneId: world.a.sceneId, imagePrompt: "A lighthouse in a storm, oil painting", negativePrompt: "", styleTags: [] } } }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/health": { kind: "public", why: "liveness and a database check for operators and harnesses; answers { ok: true } and nothing else", call: () => ({ params: {} }), expect: { anonymous: 200, outsider: 200, roles: allOk } },
  "GET /api/images/[imageId]": {
    kind: "session",
    call: (world) => ({ params: { imageId: world.a.sceneImageId } }),
    outsiderCalls: (world) => [
      { label: "the persona's avatar", call: { params: { imageId: world.a.avatarImageId } } },
      { label: "a slide's thumbnail", call: { params: { imageId: world.a.slideImageId }, url: `/api/images/${world.a.slideImageId}?variant=thumbnail` } },
    ],
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/projects/[projectId]/export": { kind: "session", call: (world) => ({ params: { projectId: world.a.projectId } }), expect: { anonymous: 401, outsider: 404, roles: allOk } },
  "GET /api/decks/[deckId]/export": {
    kind: "session",
    call: (world) => ({ params: { deckId: world.a.deckId }, url: `/api/decks/${world.a.deckId}/export?format=zip` }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/personas/[personaId]/card": {
    kind: "session",
    call: (world) => ({ params: { personaId: world.a.personaId }, url: `/api/personas/${world.a.personaId}/card?format=v2` }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/personas/uploads/[uploadId]": { kind: "session", call: (world) => ({ params: { uploadId: world.a.uploadId } }), expect: { anonymous: 401, outsider: 404, roles: allOk } },
  "POST /api/personas/uploads": {
    kind: "session",
    call: (world) => ({ params: {}, body: form({ teamId: world.a.teamId, files: picture }) }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "POST /api/personas/import": {
    kind: "session",
    call: (world) => ({ params: {}, body: form({ teamId: world.a.teamId, file: async () => Buffer.from(JSON.stringify({ name: "Imported", description: "", personality: "", scenario: "", first_mes: "", mes_example: "" })) }) }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/personas/shared/[token]/avatar": {
    kind: "share-link",
    why: "the holder of a live share link sees the persona's avatar, signed in or not",
    call: (world) => ({ params: { token: world.a.shareToken } }),
    outsiderCalls: (world) => [
      { label: "a revoked link", call: { params: { token: world.revokedToken } } },
      { label: "a made-up token", call: { params: { token: "x".repeat(43) } } },
    ],
    expect: { anonymous: 200, outsider: 200, roles: allOk },
  },
  "GET /api/personas/shared/[token]/card": {
    kind: "share-link",
    why: "the holder of a live share link may download the persona's character card",
    call: (world) => ({ params: { token: world.a.shareToken }, url: `/api/personas/shared/${world.a.shareToken}/card?format=v3` }),
    outsiderCalls: (world) => [{ label: "a revoked link", call: { params: { token: world.revokedToken } } }],
    expect: { anonymous: 200, outsider: 200, roles: allOk },
  },
  "POST /api/v1/decks": {
    kind: "team-key",
    call: () => ({ params: {}, json: { title: "Scripted", style_prompt: "paper collage", slides: ["One slide"] } }),
    expect: { anonymous: 401, outsider: null, roles: { owner: 202, admin: 202, member: 202 } },
    noOutsiderCall: "a deck is created in the key's own team; the request cannot name another team",
  },
  "GET /api/v1/decks/[deckId]": { kind: "team-key", call: (world) => ({ params: { deckId: world.a.deckId } }), expect: { anonymous: 401, outsider: 404, roles: allOk } },
  "GET /api/v1/decks/[deckId]/events": { kind: "team-key", call: (world) => ({ params: { deckId: world.a.deckId } }), expect: { anonymous: 401, outsider: 404, roles: allOk } },
  "GET /api/v1/decks/[deckId]/export": {
    kind: "team-key",
    call: (world) => ({ params: { deckId: world.a.deckId }, url: `/api/v1/decks/${world.a.deckId}/export?format=zip` }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/v1/decks/[deckId]/slides/[position]/image": {
    kind: "team-key",
    call: (world) => ({ params: { deckId: world.a.deckId, position: "1" } }),
    expect: { anonymous: 401, outsider: 404, roles: allOk },
  },
  "GET /api/v1/openapi.json": { kind: "public", why: "the batch API's OpenAPI document: the same for everyone", call: () => ({ params: {} }), expect: { anonymous: 200, outsider: 200, roles: allOk } },
  "GET /api/v1/ops/active": {
    kind: "operator",
    why: "server-wide load, aggregate only (no team's decks named), for the operator key or an owner's or admin's session of their active team: the outsider owns his personal team and reads the same numbers",
    call: () => ({ params: {} }),
    expect: { anonymous: 401, outsider: 200, roles: { owner: 200, admin: 200, member: 403 } },
  },
  "GET /api/v1/ops/optimal-workers": {
    kind: "operator",
    why: "a worker count computed from the engine's measurements, aggregate only; as ops/active",
    call: () => ({ params: {}, url: "/api/v1/ops/optimal-workers?slides=8" }),
    expect: { anonymous: 401, outsider: 200, roles: { owner: 200, admin: 200, member: 403 } },
  },
  "POST /api/v1/ops/validate": {
    kind: "operator",
    why: "what a proposed batch would meet, aggregate only; as ops/active",
    call: () => ({ params: {}, json: { slides: 8, max_workers: 4 } }),
    expect: { anonymous: 401, outsider: 200, roles: { owner: 200, admin: 200, member: 403 } },
  },
};

export { APP_ORIGIN };

// The authorization matrix: every tRPC procedure of the app router and every route file under
// src/app/api (with each HTTP method it exports) is called signed out, as a signed-in outsider
// (Bob, with his own team selected and with team A forged as his active team, and mixing his own
// ids with team A's), and as team A's owner, admin and member, with team A's real ids; share links
// where they apply. Outsiders get NOT_FOUND (404), signed-out callers UNAUTHORIZED (401), except
// the entries listed as public with the reason; and not one row of any table nor one image file
// changes through all of the outsiders' calls. A procedure or route missing from the tables in
// ./matrix fails the first tests.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appRouter } from "@/server/api/root";
import { callRoute, exportedMethods, loadRoute, routeFiles, useAppEnvironment } from "../helpers/app-in-process";
import { PROCEDURES, type Outcome } from "./matrix/procedures";
import { ROUTES, type RouteCall, type RouteCase } from "./matrix/routes";
import { buildWorld, callerAs, dumpDatabase, imageFiles, ROLES, settle, type Role, type World } from "./matrix/world";

const app = useAppEnvironment({ BATCH_MAX_CONCURRENT: "50", MAX_CONCURRENT: "50" });
let world: World;

beforeAll(async () => {
  world = await buildWorld();
}, 180_000);
afterAll(() => app.cleanup());

type Procedure = { _def: { type: "query" | "mutation" | "subscription" } };
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;

type Caller = ReturnType<typeof callerAs>;

/** Calls a procedure by its path; a subscription is read to its end. Returns "ok" or the error code. */
async function invoke(caller: Caller, path: string, input: unknown): Promise<string> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input?: unknown) => Promise<unknown>;
  try {
    const result = await (input === undefined ? procedure() : procedure(input));
    if (procedures[path]!._def.type === "subscription") {
      const deadline = AbortSignal.timeout(10_000);
      for await (const _event of result as AsyncIterable<unknown>) if (deadline.aborted) throw new Error(`${path} did not end`);
    }
    return "ok";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

const inputOf = (path: string) => PROCEDURES[path]!.input?.(world);

function withCredentials(routeCase: RouteCase, call: RouteCall, who: "anonymous" | "outsider" | Role) {
  const headers: Record<string, string> = { ...call.headers };
  let cookie: string | null = null;
  if (who !== "anonymous") {
    if (routeCase.kind === "team-key") headers.authorization = `Bearer ${who === "outsider" ? world.b.apiKey : world.a.apiKey}`;
    else cookie = (who === "outsider" ? world.outsider : world[who]).cookie;
  }
  return { cookie, headers };
}

/**
 * The status of an answer. A tRPC subscription answers 200 and sends its error as the stream's
 * first event: its status is that error's. Every answer is read (or its stream closed) before the
 * next call.
 */
async function request(key: string, call: RouteCall, who: "anonymous" | "outsider" | Role): Promise<{ status: number }> {
  const [method, pattern] = key.split(" ") as [string, string];
  const { cookie, headers } = withCredentials(ROUTES[key]!, call, who);
  const response = await callRoute(pattern, call.params, { method, cookie, headers: { origin: "http://127.0.0.1:3000", ...headers }, url: call.url, json: call.json, body: call.body ? await call.body() : undefined });
  if (!response.headers.get("content-type")?.includes("text/event-stream")) {
    await response.arrayBuffer();
    return { status: response.status };
  }
  const reader = response.body!.getReader();
  let text = "";
  const deadline = Date.now() + 10_000;
  // The first event after tRPC's "connected" (or the API's first event) decides.
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const events = text.split("\n\n").filter((block) => /^data:/m.test(block) && !/^event: connected/m.test(block));
    if (events.length > 0) break;
  }
  await reader.cancel();
  const error = /event: serialized-error\ndata: (.*)/.exec(text);
  if (!error) return { status: response.status };
  const payload = JSON.parse(error[1]!) as { json?: { data?: { httpStatus?: number } }; data?: { httpStatus?: number } };
  return { status: (payload.json ?? payload).data?.httpStatus ?? 500 };
}

describe("the matrix", () => {
  test("has an entry for every procedure of the app router, and none for a procedure that does not exist", () => {
    expect(Object.keys(PROCEDURES).sort()).toEqual(Object.keys(procedures).sort());
  });

  test("has an entry for every route file under src/app/api and each HTTP method it exports, and no other", async () => {
    const served: string[] = [];
    for (const { pattern } of routeFiles()) for (const method of exportedMethods(await loadRoute(pattern))) served.push(`${method} ${pattern}`);
    expect(Object.keys(ROUTES).sort()).toEqual(served.sort());
  });

  test("says why each public or signed-in-only entry is open", () => {
    const open = [
      ...Object.entries(PROCEDURES).filter(([, entry]) => entry.kind === "public" || entry.kind === "signed-in"),
      ...Object.entries(ROUTES).filter(([, entry]) => entry.kind !== "session" && entry.kind !== "team-key"),
    ];
    for (const [name, entry] of open) expect(entry.why, name).toMatch(/\w{3,} \w+/);
  });
});

describe("outsiders", () => {
  let rowsBefore: Record<string, unknown[]>;
  let filesBefore: string[];

  beforeAll(async () => {
    await settle();
    rowsBefore = dumpDatabase(app.databaseUrl);
    filesBefore = imageFiles(app.directory);
  });

  const entries = Object.entries(PROCEDURES);

  test.each(entries)("signed out: %s answers UNAUTHORIZED unless it is public", async (path, entry) => {
    expect(await invoke(callerAs(null), path, inputOf(path))).toBe(entry.kind === "public" ? "ok" : "UNAUTHORIZED");
  });

  test.each(entries.filter(([, entry]) => entry.kind === "subject"))("Bob, in his own team: %s of team A's thing answers NOT_FOUND", async (path) => {
    expect(await invoke(callerAs(world.outsider), path, inputOf(path))).toBe("NOT_FOUND");
  });

  test.each(entries.filter(([, entry]) => entry.kind === "subject" || entry.kind === "team"))("Bob, with team A forged as his active team: %s answers NOT_FOUND", async (path) => {
    expect(await invoke(callerAs(world.outsider, world.a.teamId), path, inputOf(path))).toBe("NOT_FOUND");
  });

  test.each(entries.filter(([, entry]) => entry.mixed))("Bob, mixing his own ids with team A's: %s answers NOT_FOUND", async (path, entry) => {
    for (const input of entry.mixed!(world)) expect(await invoke(callerAs(world.outsider), path, input), JSON.stringify(input)).toBe("NOT_FOUND");
  });

  test.each(entries.filter(([, entry]) => entry.kind === "public" || entry.kind === "signed-in"))("Bob: %s (open to him by design) answers", async (path) => {
    expect(await invoke(callerAs(world.outsider), path, inputOf(path))).toBe("ok");
  });

  test("a revoked share link opens nothing, for anyone", async () => {
    for (const caller of [callerAs(null), callerAs(world.outsider), callerAs(world.owner)]) expect(await invoke(caller, "persona.shared.get", { token: world.revokedToken })).toBe("NOT_FOUND");
  });

  const routeEntries = Object.entries(ROUTES);

  test.each(routeEntries)("signed out: %s", async (key, entry) => {
    expect((await request(key, entry.call(world), "anonymous")).status).toBe(entry.expect.anonymous);
  });

  test.each(routeEntries.filter(([, entry]) => entry.expect.outsider !== null))("Bob: %s of team A's thing", async (key, entry) => {
    expect((await request(key, entry.call(world), "outsider")).status).toBe(entry.expect.outsider);
  });

  test.each(routeEntries.filter(([, entry]) => entry.expect.outsider === null))("Bob: %s has no call on team A (says why)", (_key, entry) => {
    expect(entry.noOutsiderCall).toMatch(/\w+ \w+/);
  });

  test.each(routeEntries.filter(([, entry]) => entry.outsiderCalls))("Bob and signed-out callers: each further call behind %s fails", async (key, entry) => {
    for (const { label, call } of entry.outsiderCalls!(world)) {
      for (const who of ["outsider", "anonymous"] as const) {
        const status = (await request(key, call, who)).status;
        if (entry.kind === "public") expect(status, `${who}: ${label}`).toBeGreaterThanOrEqual(400);
        else expect(status, `${who}: ${label}`).toBe(entry.kind === "share-link" || who === "outsider" ? 404 : 401);
        expect(status, `${who}: ${label}`).toBeLessThan(500);
      }
    }
  });

  test("changed not a single row of any table, nor any image file", async () => {
    await settle();
    const rowsAfter = dumpDatabase(app.databaseUrl);
    // Only what no outsider call makes or uses may move: provider_limit, the engine's measurements
    // of the provider, stored in the background up to 5 s after the fixture's own runs (a call
    // that reached the engine would show in run, task and image rows); and Bob's own credentials
    // noting their own use: his API key's lastUsedAt, and his session's updatedAt, which
    // better-auth rewrites when it refuses his set-active into team A (it clears his own active
    // team; the value itself is compared).
    const ownUse: Record<string, { column: string; owned: (row: Record<string, unknown>) => boolean }> = {
      session: { column: "updatedAt", owned: (row) => row.userId === world.outsider.id },
      team_api_key: { column: "lastUsedAt", owned: (row) => row.teamId === world.b.teamId },
    };
    const comparable = (table: string, rows: unknown[]) => {
      const rule = ownUse[table];
      if (!rule) return rows;
      return (rows as Array<Record<string, unknown>>).map((row) => (rule.owned(row) ? { ...row, [rule.column]: "(own use)" } : row));
    };
    for (const table of Object.keys(rowsBefore).filter((name) => name !== "provider_limit")) {
      expect(comparable(table, rowsAfter[table]!), table).toEqual(comparable(table, rowsBefore[table]!));
    }
    expect(Object.keys(rowsAfter)).toEqual(Object.keys(rowsBefore));
    expect(imageFiles(app.directory)).toEqual(filesBefore);
  });
});

describe("members of team A, by role", () => {
  const cases = Object.entries(PROCEDURES).flatMap(([path, entry]) => ROLES.map((role) => [path, role, entry.roles[role]] as [string, Role, Outcome]));
  // What destroys or cancels goes last, so the calls before it find the things they name.
  const last = (path: string) => /\.(delete|cancel|revoke)$/.test(path);
  const ordered = [...cases.filter(([path]) => !last(path)), ...cases.filter(([path]) => last(path))];

  test.each(ordered)("%s as the %s: %s", async (path, role, expected) => {
    const entry = PROCEDURES[path]!;
    const input = entry.memberInput?.(world, role) ?? inputOf(path);
    expect(await invoke(callerAs(world[role]), path, input)).toBe(expected);
    await settle();
  });

  test.each(Object.entries(ROUTES).flatMap(([key, entry]) => ROLES.map((role) => [key, role, entry.expect.roles[role]] as [string, Role, number])))("%s as the %s: %i", async (key, role, status) => {
    expect((await request(key, ROUTES[key]!.call(world), role)).status).toBe(status);
    await settle();
  });
});

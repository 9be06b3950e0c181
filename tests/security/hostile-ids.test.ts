// Every id a procedure or a route takes, replaced with what an attacker would try: path traversal
// (../, %2e%2e, backslashes, absolute paths), NUL, a real id with a suffix, an id of another kind,
// SQL, a 10,000-character id. Each is NOT_FOUND or BAD_REQUEST (404 or 400), never a crash, never
// another thing, never a file's content. The ids and inputs come from the authorization matrix's
// tables, so a new procedure or route is covered as soon as it is in the matrix.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callRoute, useAppEnvironment } from "../helpers/app-in-process";
import { PROCEDURES } from "./matrix/procedures";
import { ROUTES } from "./matrix/routes";
import { buildWorld, callerAs, settle, type World } from "./matrix/world";

const app = useAppEnvironment({ BATCH_MAX_CONCURRENT: "50", MAX_CONCURRENT: "50" });
let world: World;

beforeAll(async () => {
  world = await buildWorld();
}, 180_000);
afterAll(() => app.cleanup());

/** Values to put in place of an id; `real` is the id the field held. */
const hostile = (real: string, other: string): Array<[string, string]> => [
  ["../ to /etc/passwd", "../../../../../../etc/passwd"],
  ["encoded ../", "..%2f..%2f..%2f..%2fetc%2fpasswd"],
  ["%2e%2e", "%2e%2e/%2e%2e/%2e%2e/etc/passwd"],
  ["double-encoded", "%252e%252e%252fetc%252fpasswd"],
  ["backslashes", "..\\..\\..\\windows\\win.ini"],
  ["an absolute path", "/etc/passwd"],
  ["a Windows path", "C:\\Windows\\win.ini"],
  ["NUL inside", `${real.slice(0, 4)}\u0000${real.slice(4)}`],
  ["the real id and NUL", `${real}\u0000`],
  ["the real id and ../", `${real}/../${real}`],
  ["the real id in capitals", real.toUpperCase() === real ? `${real}X` : real.toUpperCase()],
  ["the real id and a space", `${real} `],
  ["an id of another kind", other],
  ["SQL", "' OR '1'='1' --"],
  ["10,000 characters", "a".repeat(10_000)],
  ["a stored file's name", "00000000-0000-0000-0000-000000000000.png"],
];

const ID_KEY = /(^id$|Id$|^token$|^keyId$)/;

/** The paths of every id-like string field of an input ("characters.0.id"). */
function idFields(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => idFields(item, [...prefix, String(index)]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => (typeof item === "string" && ID_KEY.test(key) ? [[...prefix, key]] : idFields(item, [...prefix, key])));
  }
  return [];
}

function replaced(input: unknown, field: string[], value: string): unknown {
  const copy = structuredClone(input) as Record<string, unknown>;
  let node = copy as Record<string, unknown>;
  for (const key of field.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[field.at(-1)!] = value;
  return copy;
}

function getField(input: unknown, field: string[]): string {
  return field.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], input) as string;
}

async function outcome(path: string, input: unknown): Promise<string> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], callerAs(world.owner)) as (input: unknown) => Promise<unknown>;
  try {
    const result = await procedure(input);
    if (result && typeof result === "object" && Symbol.asyncIterator in result) for await (const _event of result as AsyncIterable<unknown>) break;
    return "ok";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

const FILE_CONTENT = /root:x?:0:0|\[fonts\]|\[extensions\]/;

describe("every id of every procedure", () => {
  const cases = () =>
    Object.entries(PROCEDURES).flatMap(([path, entry]) => {
      const input = entry.memberInput?.(world, "owner") ?? entry.input?.(world);
      return idFields(input).map((field) => [path, field.join("."), input, field] as const);
    });

  test("covers every procedure that takes an id", async () => {
    const covered = new Set(cases().map(([path]) => path));
    expect(covered.size).toBeGreaterThanOrEqual(35);
    for (const path of ["story.setCurrentImage", "persona.shareLinks.revoke", "slides.apiKeys.revoke", "runs.events", "persona.shared.get", "teams.invitation", "story.updateCharacters"]) expect(covered, path).toContain(path);
  });

  test("answers NOT_FOUND or BAD_REQUEST to each hostile value, as team A's owner", async () => {
    const seen: string[] = [];
    for (const [path, name, input, field] of cases()) {
      // An image's id where another kind of thing is named (and a project's where an image is).
      const other = getField(input, field) === world.a.sceneImageId ? world.a.projectId : world.a.sceneImageId;
      for (const [what, value] of hostile(getField(input, field), other)) {
        const answer = await outcome(path, replaced(input, field, value));
        seen.push(`${path} ${name} ← ${what}: ${answer}`);
        expect(["NOT_FOUND", "BAD_REQUEST"], `${path} ${name} ← ${what}`).toContain(answer);
      }
    }
    await settle();
    expect(seen.length).toBeGreaterThan(700);
  }, 120_000);
});

describe("every id in every route's path", () => {
  test("answers 404 or 400 to each hostile value, with team A's own credentials, and never with a file's content", async () => {
    let calls = 0;
    for (const [key, entry] of Object.entries(ROUTES)) {
      const [method, pattern] = key.split(" ") as [string, string];
      const call = entry.call(world);
      for (const name of Object.keys(call.params)) {
        const real = String(call.params[name]);
        for (const [what, value] of hostile(real, real === world.a.sceneImageId ? world.a.projectId : world.a.sceneImageId)) {
          const params = { ...call.params, [name]: Array.isArray(call.params[name]) ? value.split("/") : value };
          const headers: Record<string, string> = { origin: "http://127.0.0.1:3000" };
          if (entry.kind === "team-key") headers.authorization = `Bearer ${world.a.apiKey}`;
          const url = `${pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_match, param: string) => encodeURIComponent(param === name ? value : String(call.params[param])))}`;
          const response = await callRoute(pattern, params, { method, url, headers, cookie: entry.kind === "team-key" ? null : world.owner.cookie, json: call.json, body: call.body ? await call.body() : undefined });
          const text = response.headers.get("content-type")?.includes("event-stream") ? (await response.body?.cancel(), "") : await response.text();
          calls += 1;
          expect([400, 404], `${key} ${name} ← ${what}: ${text.slice(0, 200)}`).toContain(response.status);
          expect(text, `${key} ${name} ← ${what}`).not.toMatch(FILE_CONTENT);
        }
      }
    }
    expect(calls).toBeGreaterThan(150);
  }, 120_000);
});

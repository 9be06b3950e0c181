// The session's signed cache cookie (better-auth's cookieCache): requests are answered from it for
// SESSION_CACHE_SECONDS without reading the database, a cookie whose content was changed is not
// trusted, and signing out clears it.
import { afterEach, vi } from "vitest";
import { SESSION_CACHE_SECONDS, type Auth } from "@/server/auth";
import type { TestUser } from "../helpers/accounts";
import { describe, expect, test } from "../helpers/fixtures";

const SESSION_DATA = "better-auth.session_data";

async function signIn(auth: Auth, user: TestUser) {
  const response = await auth.api.signInEmail({ body: { email: user.email, password: user.password }, asResponse: true });
  const setCookies = response.headers.getSetCookie();
  const cookies = new Map(setCookies.map((header) => {
    const pair = header.split(";")[0]!;
    return [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)] as const;
  }));
  return { setCookies, cookies, header: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the session cache cookie", () => {
  test("is set at sign-in for SESSION_CACHE_SECONDS", async ({ auth, alice }) => {
    const { setCookies } = await signIn(auth, alice);
    const cache = setCookies.find((header) => header.startsWith(`${SESSION_DATA}=`));
    expect(cache).toMatch(new RegExp(`Max-Age=${SESSION_CACHE_SECONDS}\\b`));
    expect(cache).toMatch(/HttpOnly/i);
  });

  test("answers for a revoked session only until it expires, then the database decides", async ({ auth, database, bob }) => {
    const { header } = await signIn(auth, bob);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await database.db.session.deleteMany({ where: { userId: bob.id } });
    const cached = await auth.api.getSession({ headers: new Headers({ cookie: header }) });
    expect(cached?.user.id).toBe(bob.id);
    vi.setSystemTime(Date.now() + (SESSION_CACHE_SECONDS + 1) * 1000);
    expect(await auth.api.getSession({ headers: new Headers({ cookie: header }) })).toBeNull();
  });

  test("is not trusted when its content was changed: another team slipped into it is ignored", async ({ auth, alice, bob }) => {
    const { cookies } = await signIn(auth, alice);
    const encoded = decodeURIComponent(cookies.get(SESSION_DATA)!);
    const content = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    content.session.session.activeOrganizationId = bob.teamId;
    const forged = Buffer.from(JSON.stringify(content)).toString("base64url");
    const cookie = `better-auth.session_token=${cookies.get("better-auth.session_token")}; ${SESSION_DATA}=${forged}`;
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
    expect(session?.user.id).toBe(alice.id);
    expect(session?.session.activeOrganizationId).toBe(alice.teamId);
  });

  test("is cleared by signing out", async ({ auth, carol }) => {
    const { header } = await signIn(auth, carol);
    const signedOut = await auth.api.signOut({ headers: new Headers({ cookie: header }), asResponse: true });
    const cleared = signedOut.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_DATA}=`));
    expect(cleared).toMatch(/Max-Age=0\b/);
  });
});

// Sign-in and sign-up are throttled per account (the email asked for) and per client address, in
// front of better-auth: the first cases go through the app's own auth route file with its default
// limits; the others use the throttle with small limits and a clock of their own over a real
// better-auth. tests/e2e/security.spec.ts repeats the address cases over real connections.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAttemptLimiter } from "@/server/security/attempt-limiter";
import { createAuthThrottle, type AuthThrottleRules } from "@/server/security/auth-throttle";
import { CLIENT_ADDRESS_HEADER } from "@/server/security/client-address";
import { createTestAuth } from "../helpers/accounts";
import { APP_ORIGIN, callRoute, signUpThroughRoute, useAppEnvironment, type AppAccount } from "../helpers/app-in-process";

const app = useAppEnvironment();
let victim: AppAccount;

beforeAll(async () => {
  victim = await signUpThroughRoute("Victim");
});
afterAll(() => app.cleanup());

function signIn(email: string, password: string, address: string) {
  return callRoute("/api/auth/[...all]", { all: ["sign-in", "email"] }, { method: "POST", json: { email, password }, headers: { origin: APP_ORIGIN, "x-forwarded-for": address } });
}

describe("through the app's auth route (10 attempts per account in 15 minutes)", () => {
  test("fifteen wrong passwords in a row: ten are answered 401, then 429 with Retry-After and a message that says how long", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let attempt = 1; attempt <= 15; attempt += 1) {
      const response = await signIn(victim.email, `wrong password ${attempt}`, "203.0.113.10");
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(5).fill(429)]);
    const retryAfter = Number(refused!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await refused!.json()).toEqual({ code: "TOO_MANY_REQUESTS", message: "Too many sign-in attempts for this account. Try again in 15 minutes." });
  });

  test("the account stays throttled from any other address, for the right password too, and the email's case does not matter", async () => {
    expect((await signIn(victim.email, victim.password, "198.51.100.77")).status).toBe(429);
    expect((await signIn(victim.email.toUpperCase(), "guess", "198.51.100.78")).status).toBe(429);
  });

  test("another account from the same address is not held back by the first one's limit", async () => {
    const other = await signUpThroughRoute("Other");
    expect((await signIn(other.email, other.password, "203.0.113.10")).status).toBe(200);
  });

  test("an email without an account is throttled exactly like one with an account", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) statuses.push((await signIn("nobody-here@example.com", "guess", "192.0.2.200")).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });
});

describe("the throttle over a real better-auth, with small limits and a clock of its own", () => {
  const rules: AuthThrottleRules = {
    signInPerAccount: { max: 3, windowMs: 60_000 },
    signInPerAddress: { max: 5, windowMs: 60_000 },
    signUpPerAccount: { max: 2, windowMs: 60_000 },
    signUpPerAddress: { max: 4, windowMs: 60_000 },
  };
  let now = 1_000_000;
  let throttle: ReturnType<typeof createAuthThrottle>;
  let handler: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    const { db } = await import("@/server/db");
    const auth = createTestAuth(db());
    throttle = createAuthThrottle(rules, createAttemptLimiter({ now: () => now }));
    handler = (request) => throttle(request, (passed) => auth.handler(passed));
  });

  const post = (path: string, body: unknown, address: string, headers: Record<string, string> = {}) =>
    handler(
      new Request(`${APP_ORIGIN}/api/auth${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address, origin: APP_ORIGIN, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );

  test("the window slides: once the oldest attempt is a window old, one more is allowed", async () => {
    const email = "slide@example.com";
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await post("/sign-in/email", { email, password: "x" }, "192.0.2.1")).status).toBe(401);
      now += 10_000;
    }
    const refused = await post("/sign-in/email", { email, password: "x" }, "192.0.2.1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect((await refused.json()) as { message: string }).toMatchObject({ message: "Too many sign-in attempts for this account. Try again in 30 seconds." });
    now += 30_000;
    expect((await post("/sign-in/email", { email, password: "x" }, "192.0.2.1")).status).toBe(401);
  });

  test("a successful sign-in forgets the account's failed attempts", async () => {
    const account = await signUpThroughRoute("Forgetful");
    now += 120_000;
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await post("/sign-in/email", { email: account.email, password: "x" }, "192.0.2.2")).status).toBe(401);
    expect((await post("/sign-in/email", { email: account.email, password: account.password }, "192.0.2.2")).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await post("/sign-in/email", { email: account.email, password: "x" }, "192.0.2.3")).status).toBe(401);
    expect((await post("/sign-in/email", { email: account.email, password: "x" }, "192.0.2.3")).status).toBe(429);
  });

  test("one address trying many accounts is held back after its limit, with its own message", async () => {
    now += 120_000;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) statuses.push((await post("/sign-in/email", { email: `spray-${attempt}@example.com`, password: "x" }, "192.0.2.50")).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const refused = await post("/sign-in/email", { email: "spray-9@example.com", password: "x" }, "192.0.2.50");
    expect(((await refused.json()) as { message: string }).message).toBe("Too many sign-in attempts from your network. Try again in 60 seconds.");
    expect((await post("/sign-in/email", { email: "spray-9@example.com", password: "x" }, "192.0.2.51")).status).toBe(401);
  });

  test("sign-ups are limited per address and per email", async () => {
    now += 120_000;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push((await post("/sign-up/email", { name: "Many", email: `many-${attempt}-${now}@example.com`, password: "correct horse battery" }, "192.0.2.60")).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const email = `twice-${now}@example.com`;
    const again = [];
    for (const address of ["192.0.2.61", "192.0.2.62", "192.0.2.63"]) again.push((await post("/sign-up/email", { name: "Twice", email, password: "correct horse battery" }, address)).status);
    expect(again).toEqual([200, expect.any(Number), 429]);
    expect(again[1]).not.toBe(200);
  });

  test("a body far larger than any sign-in is refused with 413 before it is read whole", async () => {
    now += 120_000;
    const response = await post("/sign-in/email", { email: "big@example.com", password: "x".repeat(100_000) }, "192.0.2.70");
    expect(response.status).toBe(413);
  });

  test("other auth paths pass untouched, and better-auth is handed the settled address, not one the client wrote", async () => {
    const seen: Array<string | null> = [];
    const spy = createAuthThrottle(rules, createAttemptLimiter());
    const capture = async (request: Request) => {
      seen.push(request.headers.get(CLIENT_ADDRESS_HEADER));
      return new Response("ok");
    };
    await spy(new Request(`${APP_ORIGIN}/api/auth/get-session`, { headers: { "x-forwarded-for": "192.0.2.80" } }), capture);
    await spy(new Request(`${APP_ORIGIN}/api/auth/get-session`, { headers: { "x-forwarded-for": "1.1.1.1, 2.2.2.2", [CLIENT_ADDRESS_HEADER]: "" } }), capture);
    expect(seen).toEqual(["192.0.2.80", null]);
  });

  test("spelling the path differently does not get around it", async () => {
    now += 120_000;
    const email = "spelled@example.com";
    for (const path of ["/sign-in/email", "/sign-in/Email", "/sign-in/%65mail", "/sign-in/email/"]) await post(path, { email, password: "x" }, "192.0.2.90");
    expect((await post("/sign-in/email", { email, password: "x" }, "192.0.2.91")).status).toBe(429);
  });
});

describe("the limiter's memory", () => {
  test("stays bounded under a flood of keys, dropping the expired first", () => {
    let now = 0;
    const limiter = createAttemptLimiter({ now: () => now, maxKeys: 1_000 });
    for (let key = 0; key < 10_000; key += 1) {
      limiter.consume(`address|${key}`, { max: 3, windowMs: 1_000 });
      now += 1;
    }
    expect(limiter.size()).toBeLessThanOrEqual(1_001);
  });
});

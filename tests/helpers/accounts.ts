// Accounts for integration tests: real better-auth sign-ups against the test database, and
// tRPC callers that act as a given user.
import crypto from "node:crypto";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { createAuth, type Auth } from "@/server/auth";
import type { Database } from "@/server/db";

export function createTestAuth(db: Database): Auth {
  return createAuth({
    db,
    secret: crypto.randomBytes(32).toString("hex"),
    baseURL: "http://127.0.0.1:3000",
    rateLimit: false,
  });
}

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  /** The personal team created at sign-up. */
  teamId: string;
}

let counter = 0;

/** Signs up a new user through better-auth; the user gets a personal team like every user does. */
export async function createUserWithTeam(auth: Auth, db: Database, name = "Test User"): Promise<TestUser> {
  counter += 1;
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, "-")}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const result = await auth.api.signUpEmail({ body: { name, email, password } });
  const membership = await db.member.findFirstOrThrow({ where: { userId: result.user.id } });
  return { id: result.user.id, name, email, password, teamId: membership.organizationId };
}

/** A tRPC caller acting as `user` with `teamId` selected (no HTTP involved). */
export function callerFor(db: Database, user: TestUser | null, teamId: string | null = user?.teamId ?? null) {
  return createCaller(
    createInnerContext({
      db,
      user: user ? { id: user.id, name: user.name, email: user.email } : null,
      activeTeamId: teamId,
    }),
  );
}

/** The headers of a browser signed in as `user` (its session cookie). */
export async function signedInHeaders(auth: Auth, user: TestUser): Promise<Headers> {
  const response = await auth.api.signInEmail({ body: { email: user.email, password: user.password }, asResponse: true });
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
  return new Headers({ cookie });
}

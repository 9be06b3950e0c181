// Accounts, sessions and teams (better-auth with its organization plugin; an organization is
// a team). Every new user gets a personal team, and every new session starts in a team.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import { databaseKind, db, type Database } from "./db";
import { appOrigin, env } from "./env";
import { authSecret } from "./auth-secret";
import { createPersonalTeam, firstTeamId } from "./features/teams/personal-team";
import { CLIENT_ADDRESS_HEADER } from "./security/client-address";
import { appOrigins } from "./security/same-origin";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export interface AuthOptions {
  db: Database;
  secret: string;
  baseURL: string;
  /** Rate limiting of auth endpoints; on by default, tests of other features may turn it off. */
  rateLimit?: boolean;
}

export function createAuth(options: AuthOptions) {
  const { db } = options;
  // The same server answers on localhost and 127.0.0.1; accept both spellings of its origin.
  const trustedOrigins = appOrigins(options.baseURL);

  return betterAuth({
    appName: "Storyforge",
    database: prismaAdapter(db, { provider: databaseKind(db) === "postgres" ? "postgresql" : "sqlite" }),
    secret: options.secret,
    baseURL: options.baseURL,
    trustedOrigins,
    telemetry: { enabled: false },
    // The client address the proxy settled (src/server/security/client-address.ts), never a
    // header the client wrote.
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      // better-auth skips its origin check under NODE_ENV=test; tests check what production does.
      disableOriginCheck: false,
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: PASSWORD_MIN_LENGTH,
      maxPasswordLength: PASSWORD_MAX_LENGTH,
      autoSignIn: true,
    },
    // A second line of defence per address and path; src/server/security/auth-throttle.ts
    // throttles sign-in and sign-up per account and per address in front of it.
    rateLimit: {
      enabled: options.rateLimit ?? true,
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: 20 },
        "/sign-up/email": { window: 60, max: 20 },
      },
    },
    databaseHooks: {
      user: {
        create: {
          async after(user) {
            await createPersonalTeam(db, user);
          },
        },
      },
      session: {
        create: {
          async before(session) {
            return { data: { ...session, activeOrganizationId: await firstTeamId(db, session.userId) } };
          },
        },
      },
    },
    plugins: [
      organization({
        creatorRole: "owner",
        invitationExpiresIn: 7 * 24 * 60 * 60,
        cancelPendingInvitationsOnReInvite: true,
        // No mail server: the inviter copies the invitation link from the team settings page.
        async sendInvitationEmail() {},
      }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { storyforgeAuth?: Auth };

export function auth(): Auth {
  if (!globalForAuth.storyforgeAuth) {
    const settings = env();
    globalForAuth.storyforgeAuth = createAuth({
      db: db(),
      secret: settings.BETTER_AUTH_SECRET ?? authSecret(settings.DATA_DIR),
      baseURL: appOrigin(settings),
    });
  }
  return globalForAuth.storyforgeAuth;
}

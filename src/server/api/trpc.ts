// tRPC is created once here. Routers import the procedures, never `t` itself.
//
// Context has two parts: the inner context (database, signed-in user, dependencies) that tests
// build directly for `createCaller`, and the outer one that reads the session from HTTP headers.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { AppError, type AppErrorCode } from "@/server/errors";
import type { Database } from "@/server/db";
import { resolveTeamMembership, type TeamRole } from "@/server/features/teams/membership";

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface InnerContext {
  db: Database;
  user: SessionUser | null;
  /** The team the session has selected (better-auth's activeOrganizationId). */
  activeTeamId: string | null;
}

export function createInnerContext(options: InnerContext): InnerContext {
  return options;
}

const TRPC_CODE: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/**
 * A ping every 10 s keeps idle run-event streams open through proxies; the client reconnects
 * (resuming after its last event id) when it hears nothing for 30 s. The run-event stream that
 * serves members (run-event-stream.ts) speaks with the same settings.
 */
export const SSE_SETTINGS = { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 30_000 } } as const;

const t = initTRPC.context<InnerContext>().create({
  transformer: superjson,
  sse: SSE_SETTINGS,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors = validationFieldErrors(cause);
    return {
      ...shape,
      // Input validation errors otherwise carry a JSON dump of the issues as their message.
      message: fieldErrors ? Object.values(fieldErrors).join(" ") : shape.message,
      data: {
        ...shape.data,
        field: cause instanceof AppError ? (cause.field ?? null) : null,
        fieldErrors,
      },
    };
  },
});

type Issue = { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> };

/** The first message per input field of a schema validation error (zod or any standard schema). */
function validationFieldErrors(cause: unknown): Record<string, string> | null {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return null;
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues as Issue[]) {
    const field = (issue.path ?? []).map((part) => String(typeof part === "object" ? part.key : part)).join(".") || "input";
    fieldErrors[field] ??= issue.message;
  }
  return fieldErrors;
}

/** Turns domain AppErrors into tRPC errors with the matching code and the same message. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(appErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export interface TeamContext {
  id: string;
  role: TeamRole;
}

/**
 * A procedure scoped to the session's active team: `ctx.team` is the team and the caller's role
 * in it. Anyone who is not a member gets NOT_FOUND, never a hint that the team exists.
 */
export const teamProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const team = await resolveTeamMembership(ctx.db, ctx.user.id, ctx.activeTeamId);
  return next({ ctx: { ...ctx, team } });
});

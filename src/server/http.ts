// Helpers for route handlers (those outside tRPC): the signed-in user and AppError → HTTP.
import { auth } from "./auth";
import { AppError, HTTP_STATUS } from "./errors";

export async function requireUserId(request: Request): Promise<string> {
  const session = await auth().api.getSession({ headers: request.headers });
  if (!session) throw new AppError("UNAUTHORIZED", "Please sign in");
  return session.user.id;
}

/** The signed-in user and the team their session has selected. */
export async function requireSession(request: Request): Promise<{ userId: string; activeTeamId: string | null }> {
  const session = await auth().api.getSession({ headers: request.headers });
  if (!session) throw new AppError("UNAUTHORIZED", "Please sign in");
  return { userId: session.user.id, activeTeamId: session.session.activeOrganizationId ?? null };
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) return Response.json({ error: error.message }, { status: HTTP_STATUS[error.code] });
  console.error(error);
  return Response.json({ error: "Something went wrong" }, { status: 500 });
}

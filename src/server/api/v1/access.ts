// Who may call the batch API: a team API key for decks; the operator key (OPERATOR_API_KEY) or a
// session of an owner or admin of their active team for the operator endpoints.
import crypto from "node:crypto";
import { AppError } from "@/server/errors";
import { authenticateApiKey, bearerToken, type ApiKeyPrincipal } from "@/server/features/slides/api-keys";
import { resolveTeamMembership } from "@/server/features/teams/membership";
import type { ApiServices } from "./services";

export function requireTeamKey(services: ApiServices, request: Request): Promise<ApiKeyPrincipal> {
  return authenticateApiKey(services.db, request.headers.get("authorization"));
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => crypto.createHash("sha256").update(text).digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

export type Operator = { kind: "key" } | { kind: "session"; userId: string; teamId: string };

export async function requireOperator(services: ApiServices, request: Request): Promise<Operator> {
  const token = bearerToken(request.headers.get("authorization"));
  if (token) {
    if (services.operatorKey && sameSecret(token, services.operatorKey)) return { kind: "key" };
    throw new AppError("UNAUTHORIZED", "This is not the operator key (OPERATOR_API_KEY); team API keys do not reach the operator endpoints");
  }
  const session = await services.session(request.headers);
  if (!session) throw new AppError("UNAUTHORIZED", "Send the operator key as `Authorization: Bearer <key>`, or sign in as a team owner or admin");
  const team = await resolveTeamMembership(services.db, session.userId, session.activeTeamId);
  if (team.role !== "owner" && team.role !== "admin") throw new AppError("FORBIDDEN", "Operations are for owners and admins of the active team");
  return { kind: "session", userId: session.userId, teamId: team.id };
}

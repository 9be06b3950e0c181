// Team membership checks shared by every team-scoped procedure and route.
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";

export type TeamRole = "owner" | "admin" | "member";

/**
 * The caller's membership in the given team, or in their first team when no team is selected.
 * Throws NOT_FOUND when the user is not a member (or has no team at all).
 */
export async function resolveTeamMembership(
  db: Database,
  userId: string,
  teamId: string | null,
): Promise<{ id: string; role: TeamRole }> {
  const membership = teamId
    ? await db.member.findUnique({ where: { organizationId_userId: { organizationId: teamId, userId } } })
    : await db.member.findFirst({ where: { userId }, orderBy: { createdAt: "asc" } });
  if (!membership) throw notFound("Team");
  return { id: membership.organizationId, role: membership.role as TeamRole };
}

export async function isTeamMember(db: Database, userId: string, teamId: string): Promise<boolean> {
  const membership = await db.member.findUnique({
    where: { organizationId_userId: { organizationId: teamId, userId } },
    select: { id: true },
  });
  return membership !== null;
}

// A session can point at a team its user has since left or been removed from; move it back to
// one of the user's own teams so team-scoped pages keep working.
import type { Database } from "@/server/db";
import { isTeamMember } from "./membership";
import { firstTeamId } from "./personal-team";

export async function ensureActiveTeam(
  db: Database,
  session: { id: string; userId: string; activeOrganizationId?: string | null },
): Promise<string | null> {
  const active = session.activeOrganizationId;
  if (active && (await isTeamMember(db, session.userId, active))) return active;
  const fallback = await firstTeamId(db, session.userId);
  await db.session.update({ where: { id: session.id }, data: { activeOrganizationId: fallback } });
  return fallback;
}

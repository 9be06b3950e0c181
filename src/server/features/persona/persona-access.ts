// Who may see and change a persona. Every member of the persona's team sees it; anyone else is
// told it does not exist. Changing it follows the member's role: team owners and admins change
// every persona of the team, members change the personas they created.
import type { Persona } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import type { TeamRole } from "@/server/features/teams/membership";

export interface PersonaAccess {
  persona: Persona;
  role: TeamRole;
  canEdit: boolean;
}

export const canEditPersona = (role: TeamRole, userId: string, persona: Pick<Persona, "ownerId">) =>
  role === "owner" || role === "admin" || persona.ownerId === userId;

export const isTeamManager = (role: TeamRole) => role === "owner" || role === "admin";

/** The persona and the caller's role in its team; NOT_FOUND when missing or another team's. */
export async function findPersona(db: Database, userId: string, personaId: string): Promise<PersonaAccess> {
  const persona = await db.persona.findUnique({ where: { id: personaId } });
  const membership = persona
    ? await db.member.findUnique({ where: { organizationId_userId: { organizationId: persona.teamId, userId } }, select: { role: true } })
    : null;
  // Another team's persona answers exactly like a missing one.
  if (!persona || !membership) throw notFound("Persona");
  const role = membership.role as TeamRole;
  return { persona, role, canEdit: canEditPersona(role, userId, persona) };
}

/** The persona, when the caller may change it: FORBIDDEN for a teammate whose role does not allow it. */
export async function findEditablePersona(db: Database, userId: string, personaId: string): Promise<Persona> {
  const access = await findPersona(db, userId, personaId);
  if (!access.canEdit) {
    throw new AppError("FORBIDDEN", "Only the persona's creator or a team owner or admin can change this persona");
  }
  return access.persona;
}

// The team's persona settings: whether its personas may be rated mature. Every member reads it;
// team owners and admins change it. Mature is off until someone who manages the team allows it.
import type { Database } from "@/server/db";
import { AppError } from "@/server/errors";
import type { TeamRole } from "@/server/features/teams/membership";
import { isTeamManager } from "./persona-access";

export interface PersonaTeamSettingsView {
  allowMature: boolean;
  /** Whether the caller may change the settings. */
  canChange: boolean;
}

export async function allowsMature(db: Database, teamId: string): Promise<boolean> {
  const settings = await db.personaTeamSettings.findUnique({ where: { teamId } });
  return settings?.allowMature ?? false;
}

export async function getTeamSettings(db: Database, team: { id: string; role: TeamRole }): Promise<PersonaTeamSettingsView> {
  return { allowMature: await allowsMature(db, team.id), canChange: isTeamManager(team.role) };
}

export async function setTeamSettings(
  db: Database,
  userId: string,
  team: { id: string; role: TeamRole },
  input: { allowMature: boolean },
): Promise<PersonaTeamSettingsView> {
  if (!isTeamManager(team.role)) throw new AppError("FORBIDDEN", "Only a team owner or admin can change the team's persona settings");
  await db.personaTeamSettings.upsert({
    where: { teamId: team.id },
    create: { teamId: team.id, allowMature: input.allowMature, updatedById: userId },
    update: { allowMature: input.allowMature, updatedById: userId },
  });
  return { allowMature: input.allowMature, canChange: true };
}

const MATURE_NOT_ALLOWED = "This team does not allow mature personas: a team owner or admin can allow them in the team's persona settings";

/** Refuses a mature rating (to create, or to generate again) while the team does not allow it. */
export async function assertRatingAllowed(db: Database, teamId: string, rating: string): Promise<void> {
  if (rating === "mature" && !(await allowsMature(db, teamId))) {
    throw new AppError("BAD_REQUEST", MATURE_NOT_ALLOWED, { field: "contentRating" });
  }
}

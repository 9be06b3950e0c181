// Read models of teams for the UI. Changes to teams (create, invite, accept, remove, leave,
// switch) go through better-auth's organization endpoints, which enforce the roles.
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";
import { isPersonalTeam } from "./personal-team";
import { resolveTeamMembership, type TeamRole } from "./membership";

export interface TeamSummary {
  id: string;
  name: string;
  role: TeamRole;
  personal: boolean;
}

export async function listTeams(db: Database, userId: string): Promise<TeamSummary[]> {
  const memberships = await db.member.findMany({
    where: { userId },
    include: { organization: true },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((membership) => ({
    id: membership.organizationId,
    name: membership.organization.name,
    role: membership.role as TeamRole,
    personal: isPersonalTeam(membership.organization.metadata),
  }));
}

export interface TeamDetails extends TeamSummary {
  members: { id: string; userId: string; name: string; email: string; role: TeamRole; joinedAt: Date }[];
  /** Pending invitations; only owners and admins see them. */
  invitations: { id: string; email: string; role: TeamRole; expiresAt: Date }[];
}

export async function getTeam(db: Database, userId: string, teamId: string | null): Promise<TeamDetails> {
  const { id, role } = await resolveTeamMembership(db, userId, teamId);
  const team = await db.organization.findUnique({
    where: { id },
    include: {
      members: { include: { user: true }, orderBy: { createdAt: "asc" } },
      invitations: { where: { status: "pending", expiresAt: { gt: new Date() } }, orderBy: { createdAt: "desc" } },
    },
  });
  if (!team) throw notFound("Team");
  const canManage = role === "owner" || role === "admin";
  return {
    id: team.id,
    name: team.name,
    role,
    personal: isPersonalTeam(team.metadata),
    members: team.members.map((member) => ({
      id: member.id,
      userId: member.userId,
      name: member.user.name,
      email: member.user.email,
      role: member.role as TeamRole,
      joinedAt: member.createdAt,
    })),
    invitations: canManage
      ? team.invitations.map((invitation) => ({
          id: invitation.id,
          email: invitation.email,
          role: (invitation.role ?? "member") as TeamRole,
          expiresAt: invitation.expiresAt,
        }))
      : [],
  };
}

export interface InvitationPreview {
  id: string;
  teamName: string;
  inviterName: string;
  email: string;
  role: TeamRole;
  status: "pending" | "accepted" | "rejected" | "canceled" | "expired";
}

/** What the holder of an invitation link may see before signing in: the link itself is the secret. */
export async function previewInvitation(db: Database, invitationId: string): Promise<InvitationPreview> {
  const invitation = await db.invitation.findUnique({
    where: { id: invitationId },
    include: { organization: true, user: true },
  });
  if (!invitation) throw notFound("Invitation");
  const status =
    invitation.status === "pending" && invitation.expiresAt <= new Date()
      ? "expired"
      : (invitation.status as InvitationPreview["status"]);
  return {
    id: invitation.id,
    teamName: invitation.organization.name,
    inviterName: invitation.user.name,
    email: invitation.email,
    role: (invitation.role ?? "member") as TeamRole,
    status,
  };
}

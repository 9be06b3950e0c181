import { z } from "zod";
import { getTeam, listTeams, previewInvitation } from "@/server/features/teams/teams";
import { createTRPCRouter, protectedProcedure, publicProcedure, teamProcedure } from "../trpc";

const role = z.enum(["owner", "admin", "member"]);
const teamSummary = z.object({ id: z.string(), name: z.string(), role, personal: z.boolean() });

export const teamsRouter = createTRPCRouter({
  list: protectedProcedure
    .output(z.object({ teams: z.array(teamSummary), activeTeamId: z.string().nullable() }))
    .query(async ({ ctx }) => {
      const teams = await listTeams(ctx.db, ctx.user.id);
      const activeTeamId = teams.some((team) => team.id === ctx.activeTeamId) ? ctx.activeTeamId : (teams[0]?.id ?? null);
      return { teams, activeTeamId };
    }),

  current: teamProcedure
    .output(
      teamSummary.extend({
        members: z.array(
          z.object({ id: z.string(), userId: z.string(), name: z.string(), email: z.string(), role, joinedAt: z.date() }),
        ),
        invitations: z.array(z.object({ id: z.string(), email: z.string(), role, expiresAt: z.date() })),
      }),
    )
    .query(({ ctx }) => getTeam(ctx.db, ctx.user.id, ctx.team.id)),

  invitation: publicProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(
      z.object({
        id: z.string(),
        teamName: z.string(),
        inviterName: z.string(),
        email: z.string(),
        role,
        status: z.enum(["pending", "accepted", "rejected", "canceled", "expired"]),
      }),
    )
    .query(({ ctx, input }) => previewInvitation(ctx.db, input.id)),
});

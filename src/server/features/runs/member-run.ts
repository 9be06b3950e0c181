// The runs a user may see: those of the teams they belong to. Runs of other teams do not exist as
// far as the caller can tell.
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";
import { isTeamMember } from "@/server/features/teams/membership";
import type { Engine } from "@/server/generation/engine";
import type { RunDetails } from "@/server/generation/types";

export async function findMemberRun(
  engine: Pick<Engine, "getRun">,
  db: Database,
  userId: string,
  runId: string,
): Promise<RunDetails> {
  const run = await engine.getRun(runId);
  // Another team's run answers exactly like a missing one.
  if (!run || !(await isTeamMember(db, userId, run.teamId))) throw notFound("Run");
  return run;
}

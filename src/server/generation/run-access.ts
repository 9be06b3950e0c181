// The runs a user may see: those of the teams they belong to. Runs of other teams do not exist as
// far as the caller can tell.
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";
import { assertTeamMember } from "@/server/features/teams/membership";
import type { Engine } from "./engine";
import type { RunDetails } from "./types";

export async function findMemberRun(
  engine: Pick<Engine, "getRun">,
  db: Database,
  userId: string,
  runId: string,
): Promise<RunDetails> {
  const run = await engine.getRun(runId);
  if (!run) throw notFound("Run");
  await assertTeamMember(db, userId, run.teamId);
  return run;
}

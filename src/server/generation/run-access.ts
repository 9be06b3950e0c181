// The runs a team may see. Runs of other teams do not exist as far as the caller can tell.
import { notFound } from "@/server/errors";
import type { Engine } from "./engine";
import type { RunDetails } from "./types";

export async function findTeamRun(engine: Pick<Engine, "getRun">, teamId: string, runId: string): Promise<RunDetails> {
  const run = await engine.getRun(runId);
  if (!run || run.teamId !== teamId) throw notFound("Run");
  return run;
}

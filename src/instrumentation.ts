// Next.js calls register() once when a server process starts: the configuration is validated
// (a bad value stops the server with a message naming the setting), every domain's task types
// are registered, and the engine resumes the runs a previous process left unfinished, so a
// restart never loses or repeats work.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/server/env");
  const settings = env();
  // Restores refuse to run while this file names a live server (scripts/restore.mjs).
  const { claimServerLock } = await import("@/server/storage/server-lock");
  claimServerLock(settings.DATA_DIR);
  const { appEngine } = await import("@/server/app-services");
  const resumed = await appEngine().resumeUnfinished();
  if (resumed.length > 0) console.log(`Resumed ${resumed.length} unfinished generation run(s)`);
}

// Next.js calls register() once when a server process starts. The generation engine resumes the
// runs a previous process left unfinished here, so a restart never loses or repeats work.
// Feature modules register their run handlers when imported; runs of a kind whose handler is not
// registered yet wait and start as soon as it is.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { engine } = await import("@/server/generation/engine-instance");
  const resumed = await engine().resumeUnfinished();
  if (resumed.length > 0) console.log(`Resumed ${resumed.length} unfinished generation run(s)`);
}

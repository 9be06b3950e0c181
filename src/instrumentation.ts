// Next.js calls register() once when a server process starts: the configuration is validated
// (a bad value stops the server with a message naming the setting), the process claims its data
// folder, image files a killed predecessor left behind are removed, every domain's task types are
// registered, and the engine resumes the runs a previous process left unfinished, so a restart
// never loses or repeats work (src/server/server-start.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("@/server/server-start");
  const { resumed, swept } = await startServerProcess();
  if (swept > 0) console.log(`Removed ${swept} image file(s) a stopped server left unfinished or unrecorded`);
  if (resumed.length > 0) console.log(`Resumed ${resumed.length} unfinished generation run(s)`);
}

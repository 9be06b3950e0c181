// The server process of the crash trials: it starts as the app's server does (src/server/server-start.ts:
// claim the data folder, sweep what a killed predecessor left, resume unfinished runs) and then
// takes work from the trial driver over IPC through the app's own router, as requests would
// arrive. The driver kills it with SIGKILL at random moments; SIGTERM stops it cleanly.
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { appEngine } from "@/server/app-services";
import { db } from "@/server/db";
import { startServerProcess } from "@/server/server-start";

export type CrashWork = "story" | "persona" | "deck";

const { CRASH_USER_ID, CRASH_USER_EMAIL, CRASH_TEAM_ID } = process.env;
if (!CRASH_USER_ID || !CRASH_USER_EMAIL || !CRASH_TEAM_ID) throw new Error("CRASH_USER_ID, CRASH_USER_EMAIL and CRASH_TEAM_ID are required");

const { resumed, swept } = await startServerProcess();
const caller = createCaller(createInnerContext({ db: db(), user: { id: CRASH_USER_ID, name: "Crash", email: CRASH_USER_EMAIL }, activeTeamId: CRASH_TEAM_ID }));

async function submit(kind: CrashWork, round: number): Promise<string> {
  if (kind === "story") {
    return (await caller.story.create({ title: `Crash ${round}`, story: `Round ${round}. Ada rowed to the lighthouse at dusk.\n\nThe storm came; Pip climbed the stairs and lit the lamp.\n\nAt dawn the boats came home.`, sceneCount: 3, stylePreset: "comic", size: "1024x1024", quality: "standard", reviewPrompts: false, maxWorkers: 3 })).runId;
  }
  if (kind === "persona") {
    return (await caller.persona.createFromDescription({ description: `Crash persona ${round}: a keeper of lighthouses who knits`, options: { postCount: 2, lorebookEntryCount: 2, avatar: true } })).runId;
  }
  return (await caller.slides.create({ title: `Crash deck ${round}`, stylePreset: "flat-corporate", aspectRatio: "16:9", quality: "standard", slides: [{ title: "One", text: "Revenue grew.", imagePrompt: "" }, { title: "Two", text: "Harbour.", imagePrompt: "A harbour at dawn" }, { title: "Three", text: "Bridges.", imagePrompt: "" }] })).runId;
}

process.on("message", async (message: { id: number; kind: CrashWork; round: number }) => {
  try {
    process.send!({ id: message.id, runId: await submit(message.kind, message.round) });
  } catch (error) {
    process.send!({ id: message.id, error: String(error) });
  }
});
process.on("SIGTERM", async () => {
  await appEngine().shutdown();
  await db().$disconnect();
  process.exit(0);
});
process.send!({ type: "ready", resumed, swept });

// A stand-in for a busy server, for the backup test: the app's own services on DATA_DIR and
// DATABASE_URL (offline provider), creating story projects and personas one after another and
// deleting older projects (with their image files), until it is told to stop. It claims the data
// folder as a server does, and prints "committed <n> <projects>" after each change.
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { appEngine } from "@/server/app-services";
import { createTestAuth } from "../helpers/accounts";
import { db } from "@/server/db";
import { env } from "@/server/env";
import { claimServerLock } from "@/server/storage/server-lock";

claimServerLock(env().DATA_DIR);
const auth = createTestAuth(db());
const signedUp = await auth.api.signUpEmail({ body: { name: "Writer", email: `writer-${process.pid}@example.com`, password: "correct horse battery" } });
const membership = await db().member.findFirstOrThrow({ where: { userId: signedUp.user.id } });
const caller = createCaller(createInnerContext({ db: db(), user: { id: signedUp.user.id, name: "Writer", email: signedUp.user.email }, activeTeamId: membership.organizationId }));

let stopping = false;
process.on("SIGTERM", () => (stopping = true));
const projects: string[] = [];
let committed = 0;
for (let round = 0; !stopping; round += 1) {
  const { projectId, runId } = await caller.story.create({
    title: `Live ${round}`,
    story: `Round ${round}. Ada rowed to the lighthouse at dusk.\n\nThe storm broke and Pip lit the lamp in the tower.`,
    sceneCount: 2,
    stylePreset: "comic",
    size: "1024x1024",
    quality: "standard",
    reviewPrompts: false,
  });
  await appEngine().waitForRun(runId);
  projects.push(projectId);
  console.log(`committed ${(committed += 1)} ${projects.length}`);
  if (round % 3 === 2) {
    await caller.story.delete({ projectId: projects.shift()! });
    console.log(`committed ${(committed += 1)} ${projects.length}`);
  }
  if (round % 4 === 1) {
    const { runId: personaRun } = await caller.persona.createFromDescription({ description: `A sailor from round ${round}`, options: { postCount: 1, lorebookEntryCount: 1 } });
    await appEngine().waitForRun(personaRun);
    console.log(`committed ${(committed += 1)} ${projects.length}`);
  }
}
await appEngine().shutdown();
await db().$disconnect();
console.log("stopped");

// A separate process running the engine for the crash test, so the test can SIGKILL it mid-run.
// `submit` starts a run of image tasks and prints its id; `resume` picks up whatever a killed
// process left and exits once it is done.
import { createDatabase } from "@/server/db";
import { createTestEngine, imageTaskType, imageTasks } from "./engine-fixtures";

const { DATABASE_URL, FAKE_PROVIDER_URL, IMAGE_DIRECTORY, WORKER_MODE, TASK_COUNT } = process.env;
if (!DATABASE_URL || !FAKE_PROVIDER_URL || !IMAGE_DIRECTORY) throw new Error("DATABASE_URL, FAKE_PROVIDER_URL and IMAGE_DIRECTORY are required");

const database = createDatabase(DATABASE_URL);
const engine = createTestEngine({ db: database, url: DATABASE_URL });
engine.registerTaskTypes([imageTaskType({ baseUrl: FAKE_PROVIDER_URL, directory: IMAGE_DIRECTORY })]);

if (WORKER_MODE === "submit") {
  const runId = await engine.submitRun({
    kind: "images",
    teamId: "team-a",
    ownerId: "user-a",
    maxWorkers: 4,
    tasks: imageTasks(Number(TASK_COUNT ?? 40)),
  });
  console.log(`run ${runId}`);
  await engine.waitForRun(runId);
} else {
  const resumed = await engine.resumeUnfinished();
  for (const runId of resumed) await engine.waitForRun(runId);
  console.log(`resumed ${resumed.join(",")}`);
}
await engine.shutdown();
await database.$disconnect();

// `npm run worker`: a worker process of a scaled-out Storyforge (REDIS_URL and a PostgreSQL
// DATABASE_URL). It builds the same engine, providers and domains as an app instance
// (app-services.ts), takes runs from the `runs` queue on Redis and executes them, publishing their
// events over Redis. SIGTERM or SIGINT stops it cleanly: work in flight is written and handed
// back to the queue, not failed. See docs/scale-out.md.
import { processEngine, closeRedisServices, redisRunEvents } from "./app-services";
import { isPostgresUrl } from "./database-url";
import { db } from "./db";
import { ConfigurationError, env } from "./env";
import { createPrismaRunReader } from "./generation/storage/run-reader";
import { startRunWorker } from "./generation/queue/run-worker";

let settings;
try {
  settings = env();
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(`The Storyforge worker cannot start. ${error.message}`);
  process.exit(1);
}
if (!settings.REDIS_URL || !isPostgresUrl(settings.DATABASE_URL)) {
  console.error("The Storyforge worker needs REDIS_URL and a PostgreSQL DATABASE_URL (docs/scale-out.md).");
  process.exit(1);
}

const engine = processEngine("execute");
const worker = await startRunWorker({
  engine,
  bus: redisRunEvents()!,
  reader: createPrismaRunReader(db()),
  redisUrl: settings.REDIS_URL,
  lockMs: settings.WORKER_LOCK_SECONDS * 1000,
  runsPerWorker: settings.WORKER_RUNS,
});
const queued = await worker.sweep();
console.log(
  `Storyforge worker ${worker.id}: up to ${engine.settings.maxConcurrentRuns} runs at once across all workers` +
    (queued.length > 0 ? `; queued ${queued.length} unfinished run(s) that had no job` : ""),
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      try {
        await worker.close();
        await closeRedisServices();
        await db().$disconnect();
        process.exit(0);
      } catch (error) {
        console.error(`Storyforge worker ${worker.id} did not stop cleanly`, error);
        process.exit(1);
      }
    })();
  });
}

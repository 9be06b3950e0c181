// The process's engine, built from the environment on first use. Kept on globalThis so that
// Next.js dev reloads reuse it instead of starting a second scheduler on the same database.
import { db } from "@/server/db";
import { env } from "@/server/env";
import { createEngine, type Engine } from "./engine";
import { engineSettingsFromEnv } from "./engine-settings";
import { createSqliteBatchWriter } from "./storage/sqlite-batch-writer";

const globalForEngine = globalThis as unknown as { storyforgeEngine?: Engine };

export function engine(): Engine {
  globalForEngine.storyforgeEngine ??= createEngine({
    db: db(),
    settings: engineSettingsFromEnv(env()),
    writer: createSqliteBatchWriter(env().DATABASE_URL),
  });
  return globalForEngine.storyforgeEngine;
}

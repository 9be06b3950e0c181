// The process's engine, built from the environment on first use. Kept on globalThis so that
// Next.js dev reloads reuse it instead of starting a second scheduler on the same database.
import { db } from "@/server/db";
import { env } from "@/server/env";
import { providers } from "@/server/providers/create-providers";
import { createEngine, type Engine } from "./engine";
import { engineSettingsFromEnv } from "./engine-settings";
import { createPrismaProviderLimitStore } from "./prisma-provider-limit-store";
import { createSqliteBatchWriter } from "./sqlite-batch-writer";

const globalForEngine = globalThis as unknown as { storyforgeEngine?: Engine };

export function engine(): Engine {
  globalForEngine.storyforgeEngine ??= createEngine({
    db: db(),
    settings: { ...engineSettingsFromEnv(env()), budgetIdentity: budgetIdentity() },
    writer: createSqliteBatchWriter(env().DATABASE_URL),
    limits: createPrismaProviderLimitStore(db()),
  });
  return globalForEngine.storyforgeEngine;
}

/** Each budget learns the limits of the provider model its calls go to. */
function budgetIdentity() {
  const { text, image } = providers();
  return { text: `${text.provider}:${text.model}`, image: `${image.provider}:${image.model}` };
}

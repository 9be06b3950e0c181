// Environment for Prisma CLI calls that must never reach the network.
import { fileURLToPath } from "node:url";

export const DEFAULT_DATABASE_URL = "file:./data/storyforge.db";

export function offlinePrismaEnv(env) {
  const dummyEngine = fileURLToPath(new URL("../package.json", import.meta.url));
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    PRISMA_QUERY_ENGINE_LIBRARY: dummyEngine,
    PRISMA_SCHEMA_ENGINE_BINARY: dummyEngine,
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  };
}

// The integration tests that work through the database, on PostgreSQL: `npm run test:postgres`.
// A throwaway cluster is started for the run (scripts/postgres-cluster.mjs; TEST_POSTGRES_URL
// points at an existing server instead), and each test file gets a fresh database on it.
// Left out: tests of the SQLite files themselves (their migrations, backups) and tests that need
// no database. tests/postgres/ holds the tests of PostgreSQL alone (left out of npm test), and
// tests/postgres/scale-out/ those of worker processes over Redis (each file starts a redis-server).
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

// Spread rather than mergeConfig, which would add these files to the base list instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "tests/db.test.ts",
      "tests/generation/**/*.test.ts",
      "tests/images/**/*.test.ts",
      "tests/integration/**/*.test.ts",
      "tests/migrations/schemas-in-step.test.ts",
      "tests/operations/referenced-files.test.ts",
      "tests/personas/**/*.test.ts",
      "tests/postgres/**/*.test.ts",
      "tests/security/**/*.test.ts",
      "tests/slides/**/*.test.ts",
    ],
    exclude: ["tests/e2e/**", "node_modules/**"],
    globalSetup: ["tests/helpers/postgres-cluster-setup.ts"],
  },
});

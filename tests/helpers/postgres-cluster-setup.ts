// Vitest global setup of vitest.postgres.config.ts: runs the tests on a throwaway PostgreSQL
// cluster started for the run (or on the server at TEST_POSTGRES_URL when it is set), and stops
// the cluster again after the last test file.
import { startCluster, stopCluster } from "../../scripts/postgres-cluster.mjs";

export default async function setup() {
  process.env.TEST_DATABASE = "postgres";
  if (process.env.TEST_POSTGRES_URL) return;
  const cluster = await startCluster();
  process.env.TEST_POSTGRES_URL = cluster.url;
  return async () => {
    await stopCluster(cluster.directory);
  };
}

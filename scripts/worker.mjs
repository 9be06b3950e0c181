// `npm run worker`: reads .env, validates the configuration, and runs a worker process of a
// scaled-out Storyforge (src/server/worker-process.ts; REDIS_URL and a PostgreSQL DATABASE_URL).
// The database must be migrated (`npm start` or `npm run db:migrate` does it).
import { loadDotEnv, validateEnvironment } from "./app-environment.mjs";
import { tsImport } from "tsx/esm/api";

loadDotEnv();
await validateEnvironment();
await tsImport("../src/server/worker-process.ts", import.meta.url);

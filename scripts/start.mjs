// `npm start`: builds if needed, migrates the database (the embedded SQLite file, created if
// missing, or PostgreSQL for a postgres:// DATABASE_URL), then serves the app.
import { spawn } from "node:child_process";
import path from "node:path";
import {
  buildIfNeeded,
  ensureAuthSecret,
  loadDotEnv,
  migrate,
  root,
  serverEnvironment,
  serverNodeFlags,
  validateEnvironment,
} from "./app-environment.mjs";

loadDotEnv();
const settings = await validateEnvironment();
await ensureAuthSecret(settings);
process.env.NEXT_TELEMETRY_DISABLED = "1";
migrate();
buildIfNeeded();

const url = `http://${settings.HOST}:${settings.PORT}`;
console.log(`Storyforge on ${url} (provider: ${settings.GENERATION_PROVIDER})`);
const server = spawn(
  process.execPath,
  [...serverNodeFlags(), path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", settings.HOST, "-p", String(settings.PORT)],
  { cwd: root, stdio: "inherit", env: serverEnvironment({ ...process.env, BETTER_AUTH_URL: process.env.BETTER_AUTH_URL || url }) },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

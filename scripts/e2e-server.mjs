// The app as the end-to-end tests see it: a production build served on 127.0.0.1 with a fresh
// database and data directory of its own, so tests never touch ./data.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIfNeeded, migrate, root } from "./app-environment.mjs";

const port = process.env.E2E_PORT ?? "3100";
const dataDirectory = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-e2e-"));
Object.assign(process.env, {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  HOST: "127.0.0.1",
  PORT: port,
  DATA_DIR: dataDirectory,
  DATABASE_URL: `file:${path.join(dataDirectory, "storyforge.db")}`,
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  BETTER_AUTH_SECRET: "end-to-end-tests-secret-0123456789abcdef",
});

buildIfNeeded();
migrate();

const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
function stop(signal) {
  server.kill(signal);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code) => {
  if (!process.env.E2E_DATA_DIR) fs.rmSync(dataDirectory, { recursive: true, force: true });
  process.exit(code ?? 0);
});

// The app as the end-to-end tests see it: a production build served on 127.0.0.1 with a fresh
// database and data directory of its own (tests never touch ./data), generating through the real
// OpenAI SDK path against the fake provider server on loopback, slow enough to watch progress,
// with one generation run at a time.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { buildIfNeeded, migrate, root, serverEnvironment, serverNodeFlags } from "./app-environment.mjs";

const port = process.env.E2E_PORT ?? "3100";
const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-e2e-"));

const fakeProvider = spawn(
  process.execPath,
  ["--import", "tsx", "tests/fake-provider/cli.ts", "--latency", process.env.E2E_PROVIDER_LATENCY ?? "500-1200", "--seed", "7"],
  { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
);
const providerUrl = await new Promise((resolve, reject) => {
  const lines = readline.createInterface({ input: fakeProvider.stdout });
  lines.on("line", (line) => {
    const match = /listening on (\S+)/.exec(line);
    if (match) resolve(match[1]);
  });
  fakeProvider.on("exit", (code) => reject(new Error(`The fake provider exited early (${code})`)));
});
console.log(`Fake provider for end-to-end tests on ${providerUrl}`);

Object.assign(process.env, {
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  HOST: "127.0.0.1",
  PORT: port,
  DATA_DIR: dataDirectory,
  DATABASE_URL: `file:${path.join(dataDirectory, "storyforge.db")}`,
  BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
  BETTER_AUTH_SECRET: "end-to-end-tests-secret-0123456789abcdef",
  // Every test signs up and in from 127.0.0.1; the per-account limits stay as they ship.
  AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS: "10000",
  AUTH_SIGN_UPS_PER_ADDRESS: "10000",
  GENERATION_PROVIDER: "openai",
  OPENAI_API_KEY: "end-to-end-fake-key",
  OPENAI_BASE_URL: providerUrl,
  // One run at a time, so the decks spec can watch a second deck wait in line and start when the
  // first ends. The specs run one after another and wait for their runs, so the others never queue.
  BATCH_MAX_CONCURRENT: "1",
});

buildIfNeeded();
migrate();

const server = spawn(process.execPath, [...serverNodeFlags(), path.join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", port], {
  cwd: root,
  stdio: "inherit",
  env: serverEnvironment(process.env),
});
function stop(signal) {
  server.kill(signal);
  fakeProvider.kill(signal);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code) => {
  fakeProvider.kill("SIGTERM");
  fs.rmSync(dataDirectory, { recursive: true, force: true });
  process.exit(code ?? 0);
});

// Shared steps of `npm start`, `npm run dev` and the end-to-end test server: read .env,
// validate the configuration, keep a generated auth secret, migrate the database, and
// build only when the sources changed since the last build.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

export const root = fileURLToPath(new URL("..", import.meta.url));

export function loadDotEnv() {
  const file = path.join(root, ".env");
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

/** Validates the environment with the app's own schema; prints each bad setting and exits. */
export async function validateEnvironment() {
  const { parseEnv, ConfigurationError } = await tsImport("../src/server/env.ts", import.meta.url);
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(`Storyforge cannot start. ${error.message}\nSee .env.example for every setting and its allowed values.`);
    process.exit(1);
  }
}

/** better-auth needs its secret at build and at run time; generate one under DATA_DIR once. */
export async function ensureAuthSecret(settings) {
  if (process.env.BETTER_AUTH_SECRET) return;
  const { authSecret } = await tsImport("../src/server/auth-secret.ts", import.meta.url);
  process.env.BETTER_AUTH_SECRET = authSecret(path.resolve(root, settings.DATA_DIR));
}

/**
 * The environment of the Next.js server process. glibc gives every thread that allocates (libvips
 * and libuv's threads, V8's helpers) a malloc arena of its own, up to eight per core, and keeps
 * what they free; with two arenas the server stayed about 80 MiB lower over the same runs
 * (docs/benchmarks.md). An operator's own MALLOC_ARENA_MAX wins.
 */
export function serverEnvironment(env = process.env) {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || "2" };
}

/**
 * Node flags of the Next.js server process. With V8's defaults on a machine with gigabytes of
 * memory, the server's heap grew by about 7 MB of garbage per 30-image run before a full
 * collection (RSS from 260 to 500 MiB and back); a 256 MB old generation makes V8 collect at a
 * fraction of that. The young generation gets 4 MB semi-spaces: at 2 MB a run made hundreds of
 * scavenges, some of them 10–27 ms pauses of the request thread; 8 MB measured better still but
 * kept about 40 MiB more (RSS at most 309 MiB over 20 runs; 273 at 4 and 261 at 2 over 12). The
 * server's live heap is about 70 MB. An operator's own NODE_OPTIONS setting of either flag wins.
 */
export function serverNodeFlags(env = process.env) {
  const operator = env.NODE_OPTIONS ?? "";
  return [
    ...(operator.includes("--max-old-space-size") ? [] : ["--max-old-space-size=256"]),
    ...(operator.includes("--max-semi-space-size") ? [] : ["--max-semi-space-size=4"]),
  ];
}

export function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function migrate() {
  run(process.execPath, [path.join(root, "scripts/prisma.mjs"), "migrate", "deploy"]);
}

const buildInputs = ["src", "public", "prisma", "package.json", "package-lock.json", "next.config.mjs", "postcss.config.mjs", "tsconfig.json"];

function newestModification(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestModification(path.join(entry, child)));
  return newest;
}

export function buildIfNeeded() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const builtAt = fs.statSync(buildId, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changedAt = Math.max(...buildInputs.map((input) => newestModification(path.join(root, input))));
  if (builtAt > changedAt) return;
  console.log(builtAt ? "Sources changed since the last build; building…" : "Building the app (first start)…");
  run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
  });
}

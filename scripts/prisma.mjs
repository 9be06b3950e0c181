// Runs the Prisma CLI fully offline: dummy engine paths stop it from downloading engines
// (the generated client and the migrations run through the driver adapter and the wasm
// schema engine), and DATABASE_URL is passed explicitly because prisma.config.ts makes
// the CLI skip .env.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { offlinePrismaEnv } from "./prisma-env.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const result = spawnSync(
  process.execPath,
  [fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url)), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit", env: offlinePrismaEnv(process.env) },
);
process.exit(result.status ?? 1);

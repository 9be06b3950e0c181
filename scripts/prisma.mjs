// Runs the Prisma CLI fully offline: dummy engine paths stop it from downloading engines
// (the generated client and the migrations run through the driver adapter and the wasm
// schema engine), and DATABASE_URL is passed explicitly because prisma.config.ts makes
// the CLI skip .env. DATABASE_URL also picks the schema and migrations (prisma.config.ts):
// prisma/ for the embedded SQLite file, prisma/postgres/ for a postgres:// URL.
// `generate` without --schema generates both clients: one generated client serves one database.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { offlinePrismaEnv } from "./prisma-env.mjs";

const SCHEMAS = ["prisma/schema.prisma", "prisma/postgres/schema.prisma"];

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../node_modules/prisma/build/index.js", import.meta.url));
const args = process.argv.slice(2);

function prisma(cliArgs) {
  return spawnSync(process.execPath, [cli, ...cliArgs], { cwd: root, stdio: "inherit", env: offlinePrismaEnv(process.env) }).status ?? 1;
}

if (args[0] === "generate" && !args.includes("--schema")) {
  for (const schema of SCHEMAS) {
    const status = prisma([...args, "--schema", schema]);
    if (status !== 0) process.exit(status);
  }
  process.exit(0);
}
process.exit(prisma(args));

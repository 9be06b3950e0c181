// The Prisma CLI's settings. DATABASE_URL picks the database: the embedded SQLite file (schema and
// migrations under prisma/) or PostgreSQL for a postgres:// URL (under prisma/postgres/). Both run
// through their driver adapters and the CLI's bundled wasm schema engine, so nothing is downloaded.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { isPostgresUrl } from "./src/server/database-url";
import { migrationPostgresAdapter } from "./src/server/postgres-migration-adapter";
import { sqliteFilePath } from "./src/server/sqlite-path";

const databaseUrl = process.env.DATABASE_URL ?? "file:./data/storyforge.db";
const postgres = isPostgresUrl(databaseUrl);

export default defineConfig({
  schema: postgres ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgres/migrations" : "prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (postgres) return migrationPostgresAdapter(databaseUrl);
    const file = sqliteFilePath(databaseUrl);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return new PrismaBetterSQLite3({ url: file });
  },
});

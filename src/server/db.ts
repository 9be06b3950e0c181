// The Prisma client over the embedded SQLite database (better-sqlite3 driver adapter).
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "./env";
import { sqliteFilePath } from "./sqlite-path";
import { wellFormed } from "./well-formed";

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string): Database {
  const file = sqliteFilePath(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file, timeout: 10_000 }) });
  // Lone surrogates in any argument (user text, a provider's answer) would fail the query.
  return client.$extends({
    query: {
      $allOperations({ args, query }) {
        return query(wellFormed(args));
      },
    },
  }) as unknown as Database;
}

// One client per process; kept on globalThis so Next.js dev reloads do not open a new one each time.
const globalForDatabase = globalThis as unknown as { storyforgeDatabase?: Database };

export function db(): Database {
  globalForDatabase.storyforgeDatabase ??= createDatabase(env().DATABASE_URL);
  return globalForDatabase.storyforgeDatabase;
}

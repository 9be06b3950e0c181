// The Prisma client: over the embedded SQLite database (better-sqlite3 driver adapter) by default,
// over PostgreSQL (pg driver adapter) when DATABASE_URL is a postgres:// URL.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/postgres/client";
import { isPostgresUrl } from "./database-url";
import { env } from "./env";
import { sqliteFilePath } from "./sqlite-path";
import { wellFormed } from "./well-formed";

export type Database = PrismaClient;
export type DatabaseKind = "sqlite" | "postgres";

// On globalThis: the Next.js server bundles this module into more than one chunk, and a client
// made through one copy is asked about through another.
const globalForKinds = globalThis as unknown as { storyforgeDatabaseKinds?: WeakMap<Database, DatabaseKind> };
const kinds = (globalForKinds.storyforgeDatabaseKinds ??= new WeakMap<Database, DatabaseKind>());

/** Which database a client created by createDatabase talks to. */
export function databaseKind(database: Database): DatabaseKind {
  const kind = kinds.get(database);
  if (!kind) throw new Error("Not a client made by createDatabase");
  return kind;
}

function createClient(databaseUrl: string): Database {
  if (isPostgresUrl(databaseUrl)) {
    // A generated client serves one provider, so PostgreSQL has its own, generated from
    // prisma/postgres/schema.prisma. Its models are the SQLite schema's (a test holds the two
    // schemas equal), so the app uses it through the one Database type.
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) }) as unknown as Database;
  }
  const file = sqliteFilePath(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: file, timeout: 10_000 }) });
}

/**
 * Whether an operation runs inside a transaction (interactive or batch). Prisma 6.19 tells its
 * query extensions only through the parameters it passes them (`__internalParams.transaction`);
 * tests/db.test.ts holds this to the Prisma in use.
 */
function inTransaction(params: object): boolean {
  const internal = (params as { __internalParams?: { transaction?: unknown } }).__internalParams;
  return internal?.transaction !== undefined;
}

export function createDatabase(databaseUrl: string): Database {
  // Lone surrogates in any argument (user text, a provider's answer) would fail the query.
  const database = createClient(databaseUrl).$extends({
    query: {
      async $allOperations(params) {
        const { args, query } = params;
        // One turn of the event loop first: the embedded database answers synchronously, so a
        // burst of queries (a run's tasks, many followers opening at once) would otherwise run as
        // one chain of microtasks while requests that arrived meanwhile wait for all of it. Never
        // inside a transaction: on SQLite a transaction that read, then waits a turn while the
        // engine's writer commits, can no longer write (SQLITE_BUSY_SNAPSHOT), and the one
        // connection would run other queries inside it meanwhile.
        if (!inTransaction(params)) await new Promise((resolve) => setImmediate(resolve));
        return query(wellFormed(args));
      },
    },
  }) as unknown as Database;
  kinds.set(database, isPostgresUrl(databaseUrl) ? "postgres" : "sqlite");
  return database;
}

// One client per process; kept on globalThis so Next.js dev reloads do not open a new one each time.
const globalForDatabase = globalThis as unknown as { storyforgeDatabase?: Database };

export function db(): Database {
  globalForDatabase.storyforgeDatabase ??= createDatabase(env().DATABASE_URL);
  return globalForDatabase.storyforgeDatabase;
}

// Test databases on a PostgreSQL server (TEST_DATABASE=postgres): a fresh database per call on
// the cluster at TEST_POSTGRES_URL (vitest.postgres.config.ts starts a throwaway one and sets it),
// migrated with prisma/postgres/migrations, dropped again on cleanup.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const postgresMigrationsDirectory = path.resolve(import.meta.dirname, "../../prisma/postgres/migrations");

export function usingPostgres(): boolean {
  return process.env.TEST_DATABASE === "postgres";
}

/** The URL of the server's maintenance database, where test databases are created and dropped. */
export function postgresServerUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error("TEST_DATABASE=postgres needs TEST_POSTGRES_URL (npm run test:postgres starts a cluster and sets it)");
  return url;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Applies the PostgreSQL migrations whose folder name `include` accepts (all by default), in order. */
export async function applyPostgresMigrations(url: string, include: (name: string) => boolean = () => true): Promise<void> {
  await withClient(url, async (client) => {
    for (const name of fs.readdirSync(postgresMigrationsDirectory).sort()) {
      const migration = path.join(postgresMigrationsDirectory, name, "migration.sql");
      if (include(name) && fs.existsSync(migration)) await client.query(fs.readFileSync(migration, "utf8"));
    }
  });
}

/** Creates an empty database on the test server and returns its URL and how to drop it. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = postgresServerUrl();
  const name = `storyforge_test_${randomBytes(6).toString("hex")}`;
  await withClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: databaseUrl(server, name),
    // FORCE ends connections still open (an engine writer closing in the background).
    drop: () => withClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

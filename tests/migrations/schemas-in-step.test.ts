// SQLite and PostgreSQL are kept in step: the two Prisma schemas describe the same models (only
// their generator and datasource differ), and both migration folders hold the same migrations by
// name, so a change made to one database's files and forgotten in the other's fails here.
// That each PostgreSQL migration builds what its schema describes is checked on a server
// (tests/postgres/migrations.test.ts, npm run test:postgres).
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";

const prismaDirectory = path.resolve(import.meta.dirname, "../../prisma");
const SQLITE = { schema: path.join(prismaDirectory, "schema.prisma"), migrations: path.join(prismaDirectory, "migrations") };
const POSTGRES = { schema: path.join(prismaDirectory, "postgres/schema.prisma"), migrations: path.join(prismaDirectory, "postgres/migrations") };

/** Everything after the datasource block: the models, with their comments. */
function models(schemaFile: string): string {
  const text = fs.readFileSync(schemaFile, "utf8");
  const datasource = text.indexOf("datasource db {");
  expect(datasource).toBeGreaterThan(-1);
  return text.slice(text.indexOf("}", datasource) + 1).trim();
}

function migrationNames(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

function datasourceProvider(schemaFile: string): string | undefined {
  return /datasource db \{[^}]*provider\s*=\s*"(\w+)"/.exec(fs.readFileSync(schemaFile, "utf8"))?.[1];
}

test("the PostgreSQL schema's models are the SQLite schema's", () => {
  expect(models(POSTGRES.schema)).toBe(models(SQLITE.schema));
  expect(datasourceProvider(SQLITE.schema)).toBe("sqlite");
  expect(datasourceProvider(POSTGRES.schema)).toBe("postgresql");
});

test("every migration exists for both databases, under the same name", () => {
  const sqlite = migrationNames(SQLITE.migrations);
  expect(sqlite.length).toBeGreaterThan(0);
  expect(migrationNames(POSTGRES.migrations)).toEqual(sqlite);
  expect(fs.readFileSync(path.join(POSTGRES.migrations, "migration_lock.toml"), "utf8")).toContain('provider = "postgresql"');
});

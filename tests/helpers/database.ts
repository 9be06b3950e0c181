// A fresh, migrated database per call, so each test file works on a real database of its own: a
// SQLite file by default, a PostgreSQL database with TEST_DATABASE=postgres (postgres-database.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createDatabase, type Database as PrismaDatabase } from "@/server/db";
import { applyPostgresMigrations, createEmptyPostgresDatabase, usingPostgres } from "./postgres-database";

const migrationsDirectory = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** Applies the SQLite migrations whose folder name `include` accepts (all by default), in order. */
export function applyMigrations(file: string, include: (name: string) => boolean = () => true): void {
  const sqlite = new Database(file);
  try {
    for (const name of fs.readdirSync(migrationsDirectory).sort()) {
      const migration = path.join(migrationsDirectory, name, "migration.sql");
      if (include(name) && fs.existsSync(migration)) sqlite.exec(fs.readFileSync(migration, "utf8"));
    }
  } finally {
    sqlite.close();
  }
}

export interface TestDatabase {
  db: PrismaDatabase;
  url: string;
  /** A temporary folder of the test's own (images, exports), removed on cleanup. */
  directory: string;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-test-"));
  let url: string;
  let drop = async () => {};
  if (usingPostgres()) {
    const database = await createEmptyPostgresDatabase();
    await applyPostgresMigrations(database.url);
    url = database.url;
    drop = database.drop;
  } else {
    const file = path.join(directory, "test.db");
    applyMigrations(file);
    url = `file:${file}`;
  }
  const db = createDatabase(url);
  return {
    db,
    url,
    directory,
    async cleanup() {
      await db.$disconnect();
      await drop();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

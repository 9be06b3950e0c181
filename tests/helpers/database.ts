// A fresh, migrated SQLite file per call, so each test file works on a real database of its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { createDatabase, type Database as PrismaDatabase } from "@/server/db";

const migrationsDirectory = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** Applies the migrations whose folder name `include` accepts (all by default), in order. */
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
  directory: string;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-test-"));
  const file = path.join(directory, "test.db");
  applyMigrations(file);
  const url = `file:${file}`;
  const db = createDatabase(url);
  return {
    db,
    url,
    directory,
    async cleanup() {
      await db.$disconnect();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

// The SQLite migrations (prisma/migrations) build exactly the database prisma/schema.prisma
// describes: tables, columns (type, nullability, default, key), indexes and foreign keys, compared
// with what Prisma's CLI writes for the schema. With schemas-in-step.test.ts and, on a server,
// tests/postgres/migrations.test.ts, this holds both databases' migrations to the one model.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, test } from "vitest";
import { applyMigrations } from "../helpers/database";

const root = path.resolve(import.meta.dirname, "../..");
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-migrations-"));
afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

function describeSchema(sqlite: Database.Database) {
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>;
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      {
        // By name: a column added by a later migration comes last in its table, which changes nothing.
        columns: (sqlite.prepare(`PRAGMA table_info("${name}")`).all() as Array<{ cid: number; name: string }>)
          .map(({ cid: _position, ...column }) => column)
          .sort((a, b) => a.name.localeCompare(b.name)),
        indexes: (sqlite.prepare(`PRAGMA index_list("${name}")`).all() as Array<{ seq: number; name: string; unique: number; origin: string; partial: number }>)
          .map(({ seq: _seq, ...index }) => ({ ...index, columns: (sqlite.prepare(`PRAGMA index_info("${index.name}")`).all() as Array<{ name: string }>).map((column) => column.name) }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        foreignKeys: (sqlite.prepare(`PRAGMA foreign_key_list("${name}")`).all() as Array<{ id: number; seq: number; from: string }>)
          .map(({ id: _id, seq: _seq, ...key }) => key)
          .sort((a, b) => a.from.localeCompare(b.from)),
      },
    ]),
  );
}

test("the SQLite migrations build exactly the database the SQLite schema describes", () => {
  const file = path.join(directory, "migrated.db");
  applyMigrations(file);
  const migrated = new Database(file, { readonly: true });
  const described = new Database(":memory:");
  try {
    const script = spawnSync(
      process.execPath,
      [path.join(root, "scripts/prisma.mjs"), "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { cwd: root, encoding: "utf8" },
    );
    expect(script.status, script.stderr).toBe(0);
    described.exec(script.stdout);

    const actual = describeSchema(migrated);
    expect(Object.keys(actual).length).toBeGreaterThan(20);
    expect(actual).toEqual(describeSchema(described));
  } finally {
    migrated.close();
    described.close();
  }
});

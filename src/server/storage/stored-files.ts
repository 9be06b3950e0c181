// Which files under DATA_DIR/images the database refers to. Backups copy exactly these, restores
// check them, and the crash trials check that nothing else is left behind. Every table column that
// names a stored file must be listed here (tests/operations/backup-restore.test.ts checks the schema).
import fs from "node:fs";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { Database } from "@/server/db";

/** [table, column] pairs holding the names of files under DATA_DIR/images. */
export const FILE_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ["image", "file"],
  ["image", "thumbnailFile"],
  ["persona_upload", "file"],
  ["persona_upload", "thumbnailFile"],
];

export function referencedFiles(sqlite: BetterSqlite3.Database): Set<string> {
  const names = new Set<string>();
  for (const [table, column] of FILE_COLUMNS) {
    for (const row of sqlite.prepare(`SELECT "${column}" AS name FROM "${table}"`).all() as Array<{ name: string }>) names.add(row.name);
  }
  return names;
}

/** The same names read through the app's Prisma client, on either database (SQLite or PostgreSQL). */
export async function referencedFilesIn(db: Database): Promise<Set<string>> {
  const names = new Set<string>();
  for (const [table, column] of FILE_COLUMNS) {
    for (const row of await db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT "${column}" AS name FROM "${table}"`)) names.add(row.name);
  }
  return names;
}

/** The finished files in an images folder (a write in progress is a `.tmp` file, never a stored one). */
export function filesOnDisk(imagesDirectory: string): string[] {
  if (!fs.existsSync(imagesDirectory)) return [];
  return fs
    .readdirSync(imagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".tmp"))
    .map((entry) => entry.name)
    .sort();
}

export const imagesDirectoryOf = (dataDirectory: string) => path.resolve(dataDirectory, "images");

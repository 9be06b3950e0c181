// Files under DATA_DIR/images that no row names. A server killed outright can leave two kinds: a
// `.tmp` file it was writing, and a finished picture whose row it never committed (the file is
// written before the row; the task then runs again after the restart and makes a new one). At start,
// before any task runs or upload arrives in this process, the server removes both. One server per
// data folder (see server-lock.ts): another process's half-written files would look the same.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { imagesDirectoryOf, referencedFiles } from "./stored-files";

export function sweepOrphanFiles(databaseFile: string, dataDirectory: string): { removed: string[] } {
  const directory = imagesDirectoryOf(dataDirectory);
  if (!fs.existsSync(directory) || !fs.existsSync(databaseFile)) return { removed: [] };
  const sqlite = new Database(databaseFile, { readonly: true, fileMustExist: true, timeout: 10_000 });
  let named: Set<string>;
  try {
    named = referencedFiles(sqlite);
  } finally {
    sqlite.close();
  }
  return removeUnnamedFiles(named, dataDirectory);
}

/** Removes the `.tmp` files and the files not in `named` (the names the database holds). */
export function removeUnnamedFiles(named: ReadonlySet<string>, dataDirectory: string): { removed: string[] } {
  const directory = imagesDirectoryOf(dataDirectory);
  if (!fs.existsSync(directory)) return { removed: [] };
  const removed: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const unfinished = entry.name.endsWith(".tmp");
    if (unfinished || !named.has(entry.name)) {
      fs.rmSync(path.join(directory, entry.name), { force: true });
      removed.push(entry.name);
    }
  }
  return { removed };
}

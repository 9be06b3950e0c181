// Turns a `file:` DATABASE_URL into an absolute path. Relative paths are taken from the
// project root (the working directory of every npm script), so the CLI, the app and the
// tests all agree on where the database lives.
import path from "node:path";

export function sqliteFilePath(databaseUrl: string, root = process.cwd()): string {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(`DATABASE_URL must start with "file:" for the embedded SQLite database (got "${databaseUrl}")`);
  }
  const location = databaseUrl.slice("file:".length).replace(/^\/\/(?=\/)/, "");
  return path.resolve(root, location);
}

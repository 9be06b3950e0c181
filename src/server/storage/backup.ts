// A backup of a live Storyforge: the SQLite database through SQLite's online backup (a consistent
// snapshot while the server keeps writing) and the image files the snapshot refers to, in a folder
// that only gets its final name once it is complete. See docs/reliability.md.
//
// Files are copied before and after the snapshot: the server writes a file before the row that
// names it and deletes a file after its row, so every file the snapshot names is on disk in one of
// the two passes. Files the snapshot does not name are left out, so a restore brings back no orphan.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { filesOnDisk, imagesDirectoryOf, referencedFiles } from "./stored-files";

export const BACKUP_DATABASE = "storyforge.db";
export const MANIFEST = "manifest.json";
const AUTH_SECRET = "auth-secret";

export interface BackupManifest {
  format: 1;
  createdAt: string;
  database: { file: string; bytes: number; integrity: "ok"; tables: Record<string, number>; migrations: string[] };
  images: { count: number; bytes: number };
  authSecret: boolean;
  /** How long the database snapshot and the whole backup took. */
  timings: { snapshotMs: number; totalMs: number };
}

export interface BackupOptions {
  databaseFile: string;
  dataDirectory: string;
  /** The folder to create; DATA_DIR/backups/storyforge-<time> by default. It must not exist. */
  target?: string;
}

export function defaultBackupFolder(dataDirectory: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").replace(/\..*/, "");
  return path.resolve(dataDirectory, "backups", `storyforge-${stamp}`);
}

function copyNew(from: string, to: string, names: Iterable<string>): void {
  for (const name of names) {
    const target = path.join(to, name);
    if (fs.existsSync(target)) continue;
    try {
      fs.copyFileSync(path.join(from, name), target, fs.constants.COPYFILE_FICLONE);
    } catch (error) {
      // Deleted since it was listed: if the snapshot names it, the check below says so.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

export function tableCounts(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%' ORDER BY name").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, (sqlite.prepare(`SELECT count(*) AS count FROM "${name}"`).get() as { count: number }).count]));
}

export function integrityOf(sqlite: Database.Database): string {
  const rows = sqlite.pragma("integrity_check") as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).join("; ");
}

export async function createBackup(options: BackupOptions): Promise<{ folder: string; manifest: BackupManifest }> {
  const startedAt = performance.now();
  const folder = path.resolve(options.target ?? defaultBackupFolder(options.dataDirectory));
  if (fs.existsSync(folder)) throw new Error(`${folder} already exists: choose a new folder for the backup`);
  if (!fs.existsSync(options.databaseFile)) throw new Error(`There is no database at ${options.databaseFile}`);
  const partial = path.join(path.dirname(folder), `.partial-${path.basename(folder)}`);
  fs.rmSync(partial, { recursive: true, force: true });
  const images = path.join(partial, "images");
  fs.mkdirSync(images, { recursive: true });
  const liveImages = imagesDirectoryOf(options.dataDirectory);

  try {
    copyNew(liveImages, images, filesOnDisk(liveImages));

    const snapshotStartedAt = performance.now();
    const source = new Database(options.databaseFile, { fileMustExist: true, timeout: 10_000 });
    const databaseCopy = path.join(partial, BACKUP_DATABASE);
    try {
      // All pages in one step: the step reads one consistent snapshot (WAL readers do not block the
      // server's writers), instead of restarting each time the server commits between small steps.
      await source.backup(databaseCopy, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    const snapshotMs = performance.now() - snapshotStartedAt;

    copyNew(liveImages, images, filesOnDisk(liveImages));

    const copy = new Database(databaseCopy);
    let manifest: BackupManifest;
    try {
      // A single self-contained file, whatever journal mode the live database uses.
      copy.pragma("journal_mode = DELETE");
      const integrity = integrityOf(copy);
      if (integrity !== "ok") throw new Error(`The database copy failed its integrity check: ${integrity}`);
      const named = referencedFiles(copy);
      const missing = [...named].filter((name) => !fs.existsSync(path.join(images, name)));
      if (missing.length) throw new Error(`${missing.length} image file(s) the database names were deleted while the backup ran (e.g. ${missing[0]}); run the backup again`);
      for (const name of filesOnDisk(images)) if (!named.has(name)) fs.rmSync(path.join(images, name));
      const tracked = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
      const migrations = tracked ? (copy.prepare("SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name").all() as Array<{ name: string }>) : [];
      const imageFiles = filesOnDisk(images);
      manifest = {
        format: 1,
        createdAt: new Date().toISOString(),
        database: { file: BACKUP_DATABASE, bytes: 0, integrity: "ok", tables: tableCounts(copy), migrations: migrations.map((row) => row.name) },
        images: { count: imageFiles.length, bytes: imageFiles.reduce((total, name) => total + fs.statSync(path.join(images, name)).size, 0) },
        authSecret: false,
        timings: { snapshotMs: Math.round(snapshotMs), totalMs: 0 },
      };
    } finally {
      copy.close();
    }
    manifest.database.bytes = fs.statSync(databaseCopy).size;

    // The generated session secret (when BETTER_AUTH_SECRET is not set): sessions survive a restore.
    const secret = path.resolve(options.dataDirectory, AUTH_SECRET);
    if (fs.existsSync(secret)) {
      fs.copyFileSync(secret, path.join(partial, AUTH_SECRET));
      fs.chmodSync(path.join(partial, AUTH_SECRET), 0o600);
      manifest.authSecret = true;
    }
    manifest.timings.totalMs = Math.round(performance.now() - startedAt);
    fs.writeFileSync(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(partial, folder);
    return { folder, manifest };
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

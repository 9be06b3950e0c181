// Puts a backup (src/server/storage/backup.ts) back in place of the current database and images.
// It refuses while a server runs on the data folder (the server would go on writing into what is
// replaced), checks the backup before touching anything, and moves what it replaces aside to
// DATA_DIR/backups/replaced-<time>, so a restore can itself be undone.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { BACKUP_DATABASE, defaultBackupFolder, integrityOf, MANIFEST, type BackupManifest } from "./backup";
import { runningServer } from "./server-lock";
import { filesOnDisk, imagesDirectoryOf, referencedFiles } from "./stored-files";

export interface RestoreOptions {
  backup: string;
  databaseFile: string;
  dataDirectory: string;
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

/** Checks a backup folder: its manifest, its database's integrity, every file its database names. */
export function checkBackup(folder: string): BackupManifest {
  const manifestFile = path.join(folder, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new RestoreRefused(`${folder} is not a Storyforge backup (no ${MANIFEST})`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as BackupManifest;
  if (manifest.format !== 1) throw new RestoreRefused(`Unknown backup format ${String(manifest.format)}`);
  const copy = new Database(path.join(folder, BACKUP_DATABASE), { readonly: true, fileMustExist: true });
  try {
    const integrity = integrityOf(copy);
    if (integrity !== "ok") throw new RestoreRefused(`The backup's database fails its integrity check: ${integrity}`);
    const missing = [...referencedFiles(copy)].filter((name) => !fs.existsSync(path.join(folder, "images", name)));
    if (missing.length) throw new RestoreRefused(`The backup lacks ${missing.length} image file(s) its database names (e.g. ${missing[0]})`);
  } finally {
    copy.close();
  }
  return manifest;
}

export function restoreBackup(options: RestoreOptions): { manifest: BackupManifest; replacedInto: string | null } {
  const server = runningServer(options.dataDirectory);
  if (server) throw new RestoreRefused(`A Storyforge server (pid ${server.pid}) is running on ${path.resolve(options.dataDirectory)}: stop it first, then restore.`);
  const backup = path.resolve(options.backup);
  const manifest = checkBackup(backup);

  const images = imagesDirectoryOf(options.dataDirectory);
  const databaseFiles = ["", "-wal", "-shm", "-journal"].map((suffix) => `${options.databaseFile}${suffix}`).filter((file) => fs.existsSync(file));
  const secret = path.resolve(options.dataDirectory, "auth-secret");
  let replacedInto: string | null = null;
  if (databaseFiles.length || fs.existsSync(images)) {
    replacedInto = defaultBackupFolder(options.dataDirectory).replace(/storyforge-(?=\d)/, "replaced-");
    fs.mkdirSync(replacedInto, { recursive: true });
    for (const file of databaseFiles) fs.renameSync(file, path.join(replacedInto, path.basename(file)));
    if (fs.existsSync(images)) fs.renameSync(images, path.join(replacedInto, "images"));
    if (manifest.authSecret && fs.existsSync(secret)) fs.renameSync(secret, path.join(replacedInto, "auth-secret"));
  }

  fs.mkdirSync(path.dirname(options.databaseFile), { recursive: true });
  fs.copyFileSync(path.join(backup, BACKUP_DATABASE), options.databaseFile);
  fs.mkdirSync(images, { recursive: true });
  for (const name of filesOnDisk(path.join(backup, "images"))) fs.copyFileSync(path.join(backup, "images", name), path.join(images, name));
  if (manifest.authSecret) {
    fs.copyFileSync(path.join(backup, "auth-secret"), secret);
    fs.chmodSync(secret, 0o600);
  }
  return { manifest, replacedInto };
}

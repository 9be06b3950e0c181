// `npm run backup [-- <folder>]`: a consistent copy of the live database (SQLite's online backup,
// safe while the server runs) and of the image files it names, into <folder> or
// DATA_DIR/backups/storyforge-<time>. Restore it with `npm run restore -- <folder>`.
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { loadDotEnv, root, validateEnvironment } from "./app-environment.mjs";

loadDotEnv();
const settings = await validateEnvironment();
if (/^postgres(ql)?:\/\//.test(settings.DATABASE_URL)) {
  console.error("npm run backup handles the embedded SQLite database; on PostgreSQL use pg_dump and pg_restore (docs/scale-out.md).");
  process.exit(2);
}
if (settings.IMAGE_STORE === "s3") {
  console.error("npm run backup copies the images of DATA_DIR; with IMAGE_STORE=s3 the images are in the bucket: use the storage's own versioning or replication for them (docs/scale-out.md).");
  process.exit(2);
}
const { createBackup } = await tsImport("../src/server/storage/backup.ts", import.meta.url);
const { sqliteFilePath } = await tsImport("../src/server/sqlite-path.ts", import.meta.url);
try {
  const target = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const { folder, manifest } = await createBackup({ databaseFile: sqliteFilePath(settings.DATABASE_URL, root), dataDirectory: path.resolve(root, settings.DATA_DIR), target });
  const rows = Object.values(manifest.database.tables).reduce((total, count) => total + count, 0);
  console.log(`Backup written to ${folder}`);
  console.log(`  database: ${(manifest.database.bytes / 1024 / 1024).toFixed(1)} MB, ${rows} rows, integrity ok (snapshot in ${manifest.timings.snapshotMs} ms)`);
  console.log(`  images:   ${manifest.images.count} files, ${(manifest.images.bytes / 1024 / 1024).toFixed(1)} MB`);
  console.log(`  total:    ${manifest.timings.totalMs} ms`);
} catch (error) {
  console.error(`Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

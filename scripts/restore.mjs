// `npm run restore -- <backup folder>`: puts a backup made by `npm run backup` in place of the
// database and images of DATA_DIR. Stop the server first: the restore refuses while it runs. What it
// replaces is moved to DATA_DIR/backups/replaced-<time>. `npm start` then migrates the restored
// database forward if the backup is older than the code.
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { loadDotEnv, root, validateEnvironment } from "./app-environment.mjs";

loadDotEnv();
const settings = await validateEnvironment();
if (/^postgres(ql)?:\/\//.test(settings.DATABASE_URL)) {
  console.error("npm run restore handles the embedded SQLite database; on PostgreSQL use pg_dump and pg_restore (docs/scale-out.md).");
  process.exit(2);
}
if (settings.IMAGE_STORE === "s3") {
  console.error("npm run restore copies the images of DATA_DIR; with IMAGE_STORE=s3 the images are in the bucket: use the storage's own versioning or replication for them (docs/scale-out.md).");
  process.exit(2);
}
const backup = process.argv[2];
if (!backup) {
  console.error("Usage: npm run restore -- <backup folder>");
  process.exit(2);
}
const { restoreBackup } = await tsImport("../src/server/storage/restore.ts", import.meta.url);
const { sqliteFilePath } = await tsImport("../src/server/sqlite-path.ts", import.meta.url);
try {
  const { manifest, replacedInto } = restoreBackup({ backup: path.resolve(backup), databaseFile: sqliteFilePath(settings.DATABASE_URL, root), dataDirectory: path.resolve(root, settings.DATA_DIR) });
  console.log(`Restored the backup of ${manifest.createdAt}: ${manifest.images.count} images, migrations up to ${manifest.database.migrations.at(-1) ?? "none"}.`);
  if (replacedInto) console.log(`What it replaced is kept in ${replacedInto}.`);
} catch (error) {
  console.error(`Restore refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

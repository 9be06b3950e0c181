// What a server process does once, before it serves: validate the configuration, claim the data
// folder, remove image files a killed predecessor left unfinished or unrecorded, and resume the
// runs it left unfinished (the engine is built with every domain's task types). Called by
// src/instrumentation.ts, and by the crash trials' server process.
import { appEngine } from "./app-services";
import { isPostgresUrl } from "./database-url";
import { db } from "./db";
import { env } from "./env";
import { sqliteFilePath } from "./sqlite-path";
import { removeUnnamedFiles, sweepOrphanFiles } from "./storage/orphan-files";
import { claimServerLock } from "./storage/server-lock";
import { referencedFilesIn } from "./storage/stored-files";

export async function startServerProcess(): Promise<{ resumed: string[]; swept: number }> {
  const settings = env();
  // Scaled out, app instances and workers share DATA_DIR and the workers resume runs: a file in
  // progress in a worker would look like an orphan here, so nothing is swept (docs/scale-out.md).
  if (settings.REDIS_URL) return { resumed: await appEngine().resumeUnfinished(), swept: 0 };
  const other = claimServerLock(settings.DATA_DIR);
  // Another live server's files in progress would look like orphans: leave them.
  const swept = other ? 0 : (await sweepOrphans(settings.DATABASE_URL, settings.DATA_DIR)).length;
  const resumed = await appEngine().resumeUnfinished();
  return { resumed, swept };
}

/** The SQLite file is read on a connection of its own; PostgreSQL through the app's client. */
async function sweepOrphans(databaseUrl: string, dataDirectory: string): Promise<string[]> {
  if (isPostgresUrl(databaseUrl)) return removeUnnamedFiles(await referencedFilesIn(db()), dataDirectory).removed;
  return sweepOrphanFiles(sqliteFilePath(databaseUrl), dataDirectory).removed;
}

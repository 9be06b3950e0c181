// The app's engine writer for its DATABASE_URL: the SQLite writer for the embedded file, the
// PostgreSQL writer for a postgres:// URL. Both write a batch in one transaction of multi-row
// statements on a connection of their own.
import { isPostgresUrl } from "@/server/database-url";
import { createPostgresBatchWriter } from "./postgres-batch-writer";
import type { BatchWriter } from "./run-store";
import { createSqliteBatchWriter } from "./sqlite-batch-writer";

export function createBatchWriter(databaseUrl: string): BatchWriter {
  return isPostgresUrl(databaseUrl) ? createPostgresBatchWriter(databaseUrl) : createSqliteBatchWriter(databaseUrl);
}

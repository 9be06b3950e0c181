// The batch writers' SQL in both dialects. Whether the database accepts it and stores the same rows
// is tested against each database (batch-writers.test.ts, also under npm run test:postgres).
import { expect, test } from "vitest";
import { insertSql, updateManySql, updateSql } from "@/server/generation/storage/sql";

test("SQLite statements bind every value with ?", () => {
  expect(insertSql("run_event", ["runId", "seq"], 2)).toBe(`INSERT INTO "run_event" ("runId", "seq") VALUES (?, ?), (?, ?)`);
  expect(updateSql("task", ["status", "attempts"])).toBe(`UPDATE "task" SET "status" = ?, "attempts" = ? WHERE "id" = ?`);
  expect(updateManySql("task", ["status", "attempts"], 2)).toBe(
    `UPDATE "task" SET "status" = changed.column1, "attempts" = changed.column2 FROM (VALUES (?, ?, ?), (?, ?, ?)) AS changed WHERE "task"."id" = changed.column3`,
  );
});

test("PostgreSQL statements number their placeholders across rows and give each its column's type", () => {
  expect(insertSql("run_event", ["runId", "seq", "createdAt"], 2, "postgres")).toBe(
    `INSERT INTO "run_event" ("runId", "seq", "createdAt") VALUES ($1::text, $2::integer, $3::timestamp(3)), ($4::text, $5::integer, $6::timestamp(3))`,
  );
  expect(updateManySql("task", ["status", "attempts", "endedAt"], 2, "postgres")).toBe(
    `UPDATE "task" SET "status" = changed.column1, "attempts" = changed.column2, "endedAt" = changed.column3 ` +
      `FROM (VALUES ($1::text, $2::integer, $3::timestamp(3), $4::text), ($5::text, $6::integer, $7::timestamp(3), $8::text)) AS changed ` +
      `WHERE "task"."id" = changed.column4`,
  );
});

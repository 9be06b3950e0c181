import { afterAll, expect, test } from "vitest";
import { createTestDatabase } from "./helpers/database";
import { usingPostgres } from "./helpers/postgres-database";

const testDatabase = await createTestDatabase();
afterAll(() => testDatabase.cleanup());

test("a migrated test database stores and reads users", async () => {
  await testDatabase.db.user.create({ data: { id: "u1", name: "Ada", email: "ada@example.com" } });
  const user = await testDatabase.db.user.findUnique({ where: { email: "ada@example.com" } });
  expect(user?.name).toBe("Ada");
});

test("a burst of queries lets other work in between them instead of holding the thread to the end", async () => {
  // The embedded database answers synchronously, so without a pause before each query a burst of
  // them would run as one chain of microtasks and a request arriving meanwhile would wait for all.
  const burst = 200;
  let finished = 0;
  const queries = Array.from({ length: burst }, () => testDatabase.db.user.count().then(() => finished++));
  const seenByTheOtherWork = await new Promise<number>((resolve) => setImmediate(() => resolve(finished)));
  await Promise.all(queries);
  expect(finished).toBe(burst);
  expect(seenByTheOtherWork).toBeLessThan(burst / 2);
});

// On the embedded database, where queries answer synchronously and the matter arises (PostgreSQL's
// queries are network round trips: other work runs between them whatever the client does).
test.runIf(!usingPostgres())("queries inside a transaction run without waiting a turn in between", async () => {
  // A turn inside a transaction would let the engine's writer commit between its read and its
  // write (SQLITE_BUSY_SNAPSHOT), and let other queries run inside it on the one connection.
  let turns = 0;
  const counting = setInterval(() => turns++, 0);
  try {
    await testDatabase.db.$transaction(async (transaction) => {
      const start = turns;
      for (let query = 0; query < 20; query++) await transaction.user.count();
      expect(turns - start).toBe(0);
    });
  } finally {
    clearInterval(counting);
  }
});

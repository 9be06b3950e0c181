import { afterAll, expect, test } from "vitest";
import { createTestDatabase } from "./helpers/database";

const testDatabase = await createTestDatabase();
afterAll(() => testDatabase.cleanup());

test("a migrated test database stores and reads users", async () => {
  await testDatabase.db.user.create({ data: { id: "u1", name: "Ada", email: "ada@example.com" } });
  const user = await testDatabase.db.user.findUnique({ where: { email: "ada@example.com" } });
  expect(user?.name).toBe("Ada");
});

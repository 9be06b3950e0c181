// The setup most integration tests share, as vitest fixtures scoped to the test file: a migrated
// SQLite database of its own, better-auth over it, and signed-up users with personal teams. A
// fixture is made the first time a test (or a file-level hook) asks for it, and the database is
// removed after the file's last test.
import { test as base } from "vitest";
import { createTestAuth, createUserWithTeam } from "./accounts";
import { createTestDatabase } from "./database";

export const test = base
  // Vitest reads what a fixture needs from its first argument's destructuring: this one needs nothing.
  .extend("database", { scope: "file" }, async ({}, { onCleanup }) => {
    const database = await createTestDatabase();
    onCleanup(() => database.cleanup());
    return database;
  })
  .extend("auth", { scope: "file" }, async ({ database }) => createTestAuth(database.db))
  // Three people, each in a team of their own: Alice usually owns things, Bob is the outsider,
  // Carol is invited into Alice's team where a test needs a teammate.
  .extend("alice", { scope: "file" }, async ({ auth, database }) => createUserWithTeam(auth, database.db, "Alice"))
  .extend("bob", { scope: "file" }, async ({ auth, database }) => createUserWithTeam(auth, database.db, "Bob"))
  .extend("carol", { scope: "file" }, async ({ auth, database }) => createUserWithTeam(auth, database.db, "Carol"));

export { describe, expect } from "vitest";

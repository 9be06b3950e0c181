// PostgreSQL runs transactions side by side (SQLite runs them one at a time). A deck, project or
// persona deleted while a render's transaction is about to commit its picture must not leave the
// picture behind: the render here is that transaction, held open on a connection of its own
// (image row, the owner's current image, the parent's updatedAt, as renderAndStoreImage writes
// them), committed only once the delete waits on its locks.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { deletePersonaRows } from "@/server/features/persona/personas";
import { deleteDeck } from "@/server/features/slides/decks";
import { deleteProject } from "@/server/features/story/projects";
import { describe, expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, type SlidesTestServices } from "../helpers/slides-services";

let testServices: SlidesTestServices;
const openClients: pg.Client[] = [];

describe("deleting while a render commits its picture", () => {
  test.beforeAll(({ database }) => {
    testServices = createSlidesTestServices({ db: database.db });
  });
  afterAll(async () => {
    await testServices.close();
    for (const client of openClients) await client.end().catch(() => {});
  });

  /** Starts the render's transaction and returns the function that commits it. */
  async function renderInFlight(url: string, statements: Array<[string, unknown[]]>): Promise<() => Promise<void>> {
    const client = new pg.Client({ connectionString: url });
    openClients.push(client);
    await client.connect();
    await client.query("BEGIN");
    for (const [sql, values] of statements) await client.query(sql, values);
    return async () => {
      await client.query("COMMIT");
    };
  }

  /** Resolves once a session of this database waits for a lock (the delete behind the render). */
  async function someoneWaitsForALock(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (let attempt = 0; attempt < 200; attempt++) {
        const { rows } = await client.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0].waiting > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("Nobody waited for a lock");
    } finally {
      await client.end();
    }
  }

  function imageRow(teamId: string, ownerKind: string, ownerId: string): [string, unknown[]] {
    return [
      `INSERT INTO "image" ("id", "teamId", "ownerKind", "ownerId", "version", "file", "thumbnailFile", "width", "height", "parameters", "attempts", "durationMs")
       VALUES ($1, $2, $3, $4, 1, $5, $6, 64, 48, '{}', 1, 10)`,
      [`image-${ownerId}`, teamId, ownerKind, ownerId, `${randomUUID()}.png`, `${randomUUID()}.webp`],
    ];
  }

  test("a deck", async ({ database, alice }) => {
    const deck = await database.db.slideDeck.create({
      data: {
        id: "deck-1", teamId: alice.teamId, ownerId: alice.id, title: "Deck", stylePreset: "custom", stylePrompt: "ink",
        aspectRatio: "16:9", quality: "standard", maxWorkers: 2, slides: { create: [{ id: "slide-1", position: 0, title: "One" }] },
      },
    });
    const commit = await renderInFlight(database.url, [
      imageRow(alice.teamId, "slide", "slide-1"),
      [`UPDATE "slide" SET "currentImageId" = $1 WHERE "id" = $2`, ["image-slide-1", "slide-1"]],
      [`UPDATE "slide_deck" SET "updatedAt" = now() WHERE "id" = $1`, [deck.id]],
    ]);
    const deleted = deleteDeck(testServices.services, { id: deck.id, lastRunId: null });
    await someoneWaitsForALock(database.url);
    await commit();
    await deleted;
    expect(await database.db.image.count({ where: { ownerKind: "slide", ownerId: "slide-1" } })).toBe(0);
  });

  test("a story project", async ({ database, alice }) => {
    const project = await database.db.storyProject.create({
      data: {
        id: "project-1", teamId: alice.teamId, ownerId: alice.id, title: "Story", story: "Once.", style: "ink", size: "1024x1024",
        quality: "standard", maxWorkers: 2,
        scenes: { create: [{ id: "scene-1", position: 0, title: "A", summary: "B", setting: "C", mood: "D", charactersPresent: [], styleTags: [], charactersInScene: [] }] },
      },
    });
    const commit = await renderInFlight(database.url, [
      imageRow(alice.teamId, "scene", "scene-1"),
      [`UPDATE "story_scene" SET "currentImageId" = $1 WHERE "id" = $2`, ["image-scene-1", "scene-1"]],
      [`UPDATE "story_project" SET "updatedAt" = now() WHERE "id" = $1`, [project.id]],
    ]);
    const deleted = deleteProject(testServices.services, alice.id, project.id);
    await someoneWaitsForALock(database.url);
    await commit();
    await deleted;
    expect(await database.db.image.count({ where: { ownerKind: "scene", ownerId: "scene-1" } })).toBe(0);
  });

  test("a persona", async ({ database, alice }) => {
    const persona = await database.db.persona.create({
      data: { id: "persona-1", teamId: alice.teamId, ownerId: alice.id, name: "Maren", source: "description", stageRuns: {} },
    });
    const commit = await renderInFlight(database.url, [
      imageRow(alice.teamId, "persona", persona.id),
      [`UPDATE "persona" SET "updatedAt" = now() WHERE "id" = $1`, [persona.id]],
    ]);
    const deleted = deletePersonaRows(testServices.services, [persona.id]);
    await someoneWaitsForALock(database.url);
    await commit();
    await deleted;
    expect(await database.db.image.count({ where: { ownerKind: "persona", ownerId: persona.id } })).toBe(0);
  });
});

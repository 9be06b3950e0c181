// Versions of one stage or post written at once (an edit while a task finishes, two tabs saving)
// are numbered one after another: each takes its number inside the transaction that writes it,
// and on PostgreSQL, whose transactions run side by side, the persona's row is locked first so the
// next one reads the number the last one wrote.
import { savePostVersion, saveStageVersion } from "@/server/features/persona/stage-store";
import { describe, expect, test } from "../helpers/fixtures";

const WRITERS = 6;

describe("versions saved at the same time", () => {
  test("of one stage get the numbers 1 to n, one each", async ({ database, alice }) => {
    const persona = await database.db.persona.create({
      data: { id: "persona-stages", teamId: alice.teamId, ownerId: alice.id, name: "Maren", source: "description", stageRuns: {} },
    });
    const saved = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) =>
        saveStageVersion(database.db, "network", {
          personaId: persona.id,
          data: { summary: `Circle ${index}`, relationships: [], communities: [] },
          origin: "edited",
        }),
      ),
    );
    expect(saved.map((version) => version.version).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, index) => index + 1));
  });

  test("of one post get the numbers 1 to n, one each", async ({ database, alice }) => {
    const persona = await database.db.persona.create({
      data: { id: "persona-posts", teamId: alice.teamId, ownerId: alice.id, name: "Maren", source: "description", stageRuns: {} },
    });
    const saved = await Promise.all(
      Array.from({ length: WRITERS }, (_, index) =>
        savePostVersion(database.db, 0, {
          personaId: persona.id,
          data: { platform: "blog", topic: "Rowing", text: `Draft ${index}`, hashtags: [], imageIdea: "" },
          origin: "edited",
        }),
      ),
    );
    expect(saved.map((version) => version.version).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, index) => index + 1));
  });
});

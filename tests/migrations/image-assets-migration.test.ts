// Migration 0006 on a database in use: built at 0004 with two teams' projects, scenes, characters
// and scene images (files on disk), then migrated like a deployment would (every later
// migration). Every image must come out as an Image of its scene with the same id, team, files,
// version and parameters; current images must stay current; the list columns must read as JSON;
// and the app must go on from there (the next render of a scene is its next version).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDatabase, type Database as PrismaDatabase } from "@/server/db";
import { parseEnv } from "@/server/env";
import { findImage, imageFile } from "@/server/features/images/images";
import { exportProject } from "@/server/features/story/project-export";
import { createProviders } from "@/server/providers/create-providers";
import { createImageStore, type DirectoryImageStore } from "@/server/storage/image-store";
import { applyMigrations } from "../helpers/database";
import { createStoryTestServices, type StoryTestServices } from "../helpers/story-services";
import { readZip } from "../helpers/zip";

const BEFORE = (name: string) => name < "0005";

/** A timestamp as the Prisma SQLite adapter writes it. */
const timestamp = (iso: string) => new Date(iso).toISOString().replace("Z", "+00:00");

interface OldImage {
  id: string;
  sceneId: string;
  version: number;
  taskId: string;
  width: number;
  height: number;
  provider: string;
  model: string;
  size: string;
  quality: string | null;
  style: string | null;
  prompt: string;
  negativePrompt: string | null;
  revisedPrompt: string | null;
  seed: number | null;
  attempts: number;
  durationMs: number;
  createdAt: string;
}

const alice = { id: "user-alice", name: "Alice", email: "alice@example.com", password: "", teamId: "team-a" };
const bob = { id: "user-bob", name: "Bob", email: "bob@example.com", password: "", teamId: "team-b" };

const oldImages: OldImage[] = [
  {
    id: "image-s1-v1", sceneId: "scene-1", version: 1, taskId: "task-1", width: 64, height: 48, provider: "openai", model: "dall-e-3",
    size: "1792x1024", quality: "hd", style: "watercolor", prompt: "Maren rows to the lighthouse", negativePrompt: "blurry",
    revisedPrompt: "A woman rows a small boat towards a lighthouse", seed: 2_147_483_646, attempts: 3, durationMs: 4200,
    createdAt: "2025-03-01T10:00:00.000Z",
  },
  {
    id: "image-s1-v2", sceneId: "scene-1", version: 2, taskId: "task-2", width: 64, height: 48, provider: "offline", model: "offline-image",
    size: "1792x1024", quality: "standard", style: "watercolor", prompt: "Maren rows through the rain", negativePrompt: null,
    revisedPrompt: null, seed: 7, attempts: 1, durationMs: 35, createdAt: "2025-03-02T10:00:00.000Z",
  },
  {
    id: "image-s2-v1", sceneId: "scene-2", version: 1, taskId: "task-3", width: 32, height: 32, provider: "openrouter", model: "some/model",
    size: "1024x1024", quality: null, style: null, prompt: "The storm reaches Gull Point", negativePrompt: null, revisedPrompt: null,
    seed: null, attempts: 1, durationMs: 900, createdAt: "2025-03-01T11:00:00.000Z",
  },
  {
    id: "image-b-v1", sceneId: "scene-b", version: 1, taskId: "task-4", width: 32, height: 32, provider: "offline", model: "offline-image",
    size: "1024x1024", quality: "standard", style: "comic", prompt: "Bob's clock tower", negativePrompt: "", revisedPrompt: null,
    seed: 0, attempts: 2, durationMs: 50, createdAt: "2025-03-03T09:30:00.000Z",
  },
];

let directory: string;
let store: DirectoryImageStore;
let db: PrismaDatabase;
/** The stored file names and PNG bytes of each old image, by id. */
const files = new Map<string, { file: string; thumbnailFile: string; png: Buffer }>();

/** A 0004 database holding two teams' story projects, as the app before 0006 wrote them. */
async function buildOldDatabase(file: string) {
  applyMigrations(file, BEFORE);
  const sqlite = new Database(file);
  try {
    const now = timestamp("2025-03-01T09:00:00.000Z");
    const insert = (table: string, row: Record<string, unknown>) =>
      sqlite
        .prepare(`INSERT INTO "${table}" (${Object.keys(row).map((key) => `"${key}"`).join(", ")}) VALUES (${Object.keys(row).map(() => "?").join(", ")})`)
        .run(...Object.values(row).map((value) => (typeof value === "boolean" ? Number(value) : value)));

    for (const [user, team] of [[alice, "Team A"], [bob, "Team B"]] as const) {
      insert("user", { id: user.id, name: user.name, email: user.email, emailVerified: false, createdAt: now, updatedAt: now });
      insert("organization", { id: user.teamId, name: team, slug: user.teamId, createdAt: now });
      insert("member", { id: `member-${user.id}`, organizationId: user.teamId, userId: user.id, role: "owner", createdAt: now });
    }
    const project = (id: string, teamId: string, ownerId: string, title: string, size: string) =>
      insert("story_project", {
        id, teamId, ownerId, title, story: "A story.", sceneCount: null, language: null, style: "watercolor", size, quality: "standard",
        maxWorkers: 2, reviewPrompts: false, lastRunId: null, createdAt: now, updatedAt: now,
      });
    project("project-a", alice.teamId, alice.id, "Gull Point", "1792x1024");
    project("project-b", bob.teamId, bob.id, "Clocks", "1024x1024");
    insert("story_character", {
      id: "character-maren", projectId: "project-a", position: 0, name: "Maren Holt", description: "The keeper",
      visualTraits: JSON.stringify(["grey wool coat", "red scarf"]),
    });
    const scene = (id: string, projectId: string, position: number, lists: Record<string, string[]>, currentImageId: string | null) =>
      insert("story_scene", {
        id, projectId, position, title: `Scene ${id}`, summary: "Something happens", setting: "Gull Point", mood: "tense",
        charactersPresent: JSON.stringify(lists.charactersPresent ?? []), imagePrompt: `Prompt of ${id}`, negativePrompt: "",
        styleTags: JSON.stringify(lists.styleTags ?? []), charactersInScene: JSON.stringify(lists.charactersInScene ?? []), currentImageId,
      });
    // Version 1 is current on scene 1, so "current" cannot be confused with "latest".
    scene("scene-1", "project-a", 0, { charactersPresent: ["Maren Holt"], styleTags: ["ink wash", "soft light"], charactersInScene: ["Maren Holt"] }, "image-s1-v1");
    scene("scene-2", "project-a", 1, { styleTags: ["storm"] }, "image-s2-v1");
    // A scene whose current image points nowhere (there was no foreign key): it comes out unset.
    scene("scene-3", "project-a", 2, {}, "image-that-never-was");
    scene("scene-b", "project-b", 0, {}, "image-b-v1");

    for (const [index, image] of oldImages.entries()) {
      const png = await sharp({ create: { width: image.width, height: image.height, channels: 3, background: { r: 40 * index, g: 90, b: 200 } } })
        .png()
        .toBuffer();
      const stored = await store.save(png);
      files.set(image.id, { ...stored, png });
      insert("scene_image", { ...image, file: stored.file, thumbnailFile: stored.thumbnailFile, createdAt: timestamp(image.createdAt) });
    }
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "storyforge-migration-"));
  store = createImageStore(directory);
  const file = path.join(directory, "old.db");
  await buildOldDatabase(file);
  applyMigrations(file, (name) => !BEFORE(name));
  db = createDatabase(`file:${file}`);
});
afterAll(async () => {
  await db?.$disconnect();
  fs.rmSync(directory, { recursive: true, force: true });
});

describe("after migrating a 0004 database", () => {
  test("every scene image is an Image of its scene: same id, team, files, version, task, sizes and timing", async () => {
    const teamOf: Record<string, string> = { "scene-1": alice.teamId, "scene-2": alice.teamId, "scene-b": bob.teamId };
    const images = await db.image.findMany({ orderBy: { id: "asc" } });
    expect(images.map((image) => image.id)).toEqual(oldImages.map((image) => image.id).sort());
    for (const old of oldImages) {
      const image = images.find((candidate) => candidate.id === old.id)!;
      expect(image).toMatchObject({
        teamId: teamOf[old.sceneId],
        ownerKind: "scene",
        ownerId: old.sceneId,
        version: old.version,
        taskId: old.taskId,
        file: files.get(old.id)!.file,
        thumbnailFile: files.get(old.id)!.thumbnailFile,
        width: old.width,
        height: old.height,
        attempts: old.attempts,
        durationMs: old.durationMs,
        createdAt: new Date(old.createdAt),
      });
    }
  });

  test("each image's parameters are exactly what produced it, nulls included", async () => {
    for (const old of oldImages) {
      const image = await db.image.findUniqueOrThrow({ where: { id: old.id } });
      expect(image.parameters).toStrictEqual({
        provider: old.provider,
        model: old.model,
        size: old.size,
        quality: old.quality,
        style: old.style,
        prompt: old.prompt,
        negativePrompt: old.negativePrompt,
        revisedPrompt: old.revisedPrompt,
        seed: old.seed,
      });
    }
  });

  test("the files are where the images say, byte for byte", async () => {
    for (const old of oldImages) {
      const image = await db.image.findUniqueOrThrow({ where: { id: old.id } });
      expect(fs.readFileSync(store.pathOf(image.file)).equals(files.get(old.id)!.png)).toBe(true);
      expect(fs.existsSync(store.pathOf(image.thumbnailFile))).toBe(true);
    }
  });

  test("current images stay current (by relation too); one that pointed nowhere is unset", async () => {
    const scenes = await db.storyScene.findMany({ orderBy: { id: "asc" }, include: { currentImage: { select: { id: true, version: true } } } });
    expect(scenes.map((scene) => [scene.id, scene.currentImageId, scene.currentImage?.version ?? null])).toEqual([
      ["scene-1", "image-s1-v1", 1],
      ["scene-2", "image-s2-v1", 1],
      ["scene-3", null, null],
      ["scene-b", "image-b-v1", 1],
    ]);
  });

  test("the list columns read back as JSON arrays", async () => {
    const scene = await db.storyScene.findUniqueOrThrow({ where: { id: "scene-1" } });
    expect(scene).toMatchObject({ charactersPresent: ["Maren Holt"], styleTags: ["ink wash", "soft light"], charactersInScene: ["Maren Holt"] });
    expect((await db.storyScene.findUniqueOrThrow({ where: { id: "scene-3" } })).styleTags).toEqual([]);
    expect((await db.storyCharacter.findUniqueOrThrow({ where: { id: "character-maren" } })).visualTraits).toEqual(["grey wool coat", "red scarf"]);
  });

  test("the old tables are gone", async () => {
    const tables = await db.$queryRaw<Array<{ name: string }>>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'scene_image'`;
    expect(tables).toEqual([]);
  });
});

describe("the app on the migrated database", () => {
  let services: StoryTestServices;

  beforeAll(() => {
    services = createStoryTestServices({ db, providers: createProviders(parseEnv({ GENERATION_PROVIDER: "offline" })), dataDirectory: directory });
  });
  afterAll(() => services?.close());

  test("shows every version with its parameters, and serves the files to the team only", async () => {
    const project = await services.caller(alice).story.get({ projectId: "project-a" });
    const first = project.scenes[0]!;
    expect(first.currentImageId).toBe("image-s1-v1");
    expect(first.styleTags).toEqual(["ink wash", "soft light"]);
    expect(first.images).toEqual([
      expect.objectContaining({ id: "image-s1-v1", version: 1, quality: "hd", seed: 2_147_483_646, revisedPrompt: "A woman rows a small boat towards a lighthouse" }),
      expect.objectContaining({ id: "image-s1-v2", version: 2, negativePrompt: null, revisedPrompt: null, seed: 7 }),
    ]);
    expect(project.scenes.map((scene) => scene.images.length)).toEqual([2, 1, 0]);

    expect((await imageFile(db, alice.id, "image-s1-v2", "original")).file).toBe(files.get("image-s1-v2")!.file);
    await expect(findImage(db, bob.id, "image-s1-v1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await findImage(db, bob.id, "image-b-v1")).teamId).toBe(bob.teamId);
  });

  test("exports the current image of each scene", async () => {
    const { stream } = await exportProject(db, store, alice.id, "project-a");
    const entries = new Map(readZip(Buffer.from(await new Response(stream).arrayBuffer())).map((entry) => [entry.name, entry.data]));
    const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8")) as {
      scenes: Array<{ image: { file: string; version: number; parameters: { seed: number | null }; revisedPrompt: string | null } | null }>;
    };
    expect(manifest.scenes.map((scene) => scene.image?.version ?? null)).toEqual([1, 1, null]);
    expect(manifest.scenes[0]!.image).toMatchObject({ parameters: { seed: 2_147_483_646 }, revisedPrompt: "A woman rows a small boat towards a lighthouse" });
    expect(entries.get(manifest.scenes[0]!.image!.file)?.equals(files.get("image-s1-v1")!.png)).toBe(true);
  });

  test("renders a scene's next version after its migrated ones", async () => {
    const { runId } = await services.caller(alice).story.regenerateScene({ projectId: "project-a", sceneId: "scene-1" });
    expect((await services.services.engine.waitForRun(runId)).status).toBe("succeeded");
    const scene = (await services.caller(alice).story.get({ projectId: "project-a" })).scenes[0]!;
    expect(scene.images.map((image) => image.version)).toEqual([1, 2, 3]);
    expect(scene.currentImageId).toBe(scene.images[2]!.id);
    expect(await db.image.findUniqueOrThrow({ where: { id: scene.images[2]!.id } })).toMatchObject({ teamId: alice.teamId, ownerKind: "scene", ownerId: "scene-1" });
  });
});

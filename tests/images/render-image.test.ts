// renderAndStoreImage, the one render-and-store of every domain: versions per owner, what it
// stores, task-id idempotency, and that a failed commit (owner deleted mid-render) keeps nothing.
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { parseEnv } from "@/server/env";
import { parametersOf } from "@/server/features/images/images";
import { renderAndStoreImage, type RenderAndStoreRequest, type RenderImageServices } from "@/server/features/images/render-image";
import { createProviders } from "@/server/providers/create-providers";
import type { ImageModel, RenderImageRequest } from "@/server/providers/types";
import { createImageStore, type DirectoryImageStore } from "@/server/storage/image-store";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const TEAM = "team-render";
let database: TestDatabase;
let services: RenderImageServices & { images: DirectoryImageStore };
let imageDirectory: string;
const requests: RenderImageRequest[] = [];
const budgets: string[] = [];

/** An image model that answers at once with a small PNG and echoes what it was sent. */
const fakeImageModel: ImageModel = {
  provider: "offline",
  model: "fake-image",
  async renderImage(request) {
    requests.push(request);
    const png = await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
    return {
      png,
      width: 16,
      height: 8,
      revisedPrompt: `revised: ${request.prompt}`,
      parameters: { provider: "offline", model: "fake-image", size: String(request.size), prompt: request.prompt, seed: request.seed },
      durationMs: 1,
    };
  },
};

beforeAll(async () => {
  database = await createTestDatabase();
  imageDirectory = path.join(database.directory, "images");
  services = {
    db: database.db,
    providers: { ...createProviders(parseEnv({ GENERATION_PROVIDER: "offline" })), image: fakeImageModel },
    images: createImageStore(database.directory),
  };
  await database.db.organization.create({ data: { id: TEAM, name: "Render team", slug: TEAM, createdAt: new Date() } });
});
afterAll(() => database.cleanup());
beforeEach(() => {
  requests.length = 0;
  budgets.length = 0;
});

function renderRequest(taskId: string, ownerId: string, overrides: Partial<RenderAndStoreRequest> = {}): RenderAndStoreRequest {
  return {
    context: {
      task: { id: taskId, key: `image:${ownerId}`, type: "test.image" },
      attempt: 2,
      async callProvider(kind, call) {
        budgets.push(kind);
        return call(new AbortController().signal, 1);
      },
    },
    teamId: TEAM,
    owner: { kind: "test-owner", id: ownerId },
    request: (version) => ({ prompt: `a lighthouse, version ${version}`, size: "1024x1024", seed: 100 + version }),
    ...overrides,
  };
}

const storedFiles = () => (fs.existsSync(imageDirectory) ? fs.readdirSync(imageDirectory).sort() : []);

test("stores each render as the owner's next version, with its files and exactly what produced it", async () => {
  const first = await renderAndStoreImage(services, renderRequest("task-a1", "owner-a"));
  const second = await renderAndStoreImage(services, renderRequest("task-a2", "owner-a"));
  const otherOwner = await renderAndStoreImage(services, renderRequest("task-b1", "owner-b"));

  expect([first.version, second.version, otherOwner.version]).toEqual([1, 2, 1]);
  expect(budgets).toEqual(["image", "image", "image"]);
  expect(second).toMatchObject({ teamId: TEAM, ownerKind: "test-owner", ownerId: "owner-a", taskId: "task-a2", width: 16, height: 8, attempts: 2 });
  expect(parametersOf(second)).toStrictEqual({
    provider: "offline",
    model: "fake-image",
    size: "1024x1024",
    quality: null,
    style: null,
    prompt: "a lighthouse, version 2",
    negativePrompt: null,
    revisedPrompt: "revised: a lighthouse, version 2",
    seed: 102,
  });
  expect(await database.db.image.findUniqueOrThrow({ where: { id: second.id } })).toEqual(second);
  const png = fs.readFileSync(services.images.pathOf(second.file));
  expect((await sharp(png).metadata()).format).toBe("png");
  expect((await sharp(fs.readFileSync(services.images.pathOf(second.thumbnailFile))).metadata()).format).toBe("webp");
});

test("a task executed again gets the image it already paid for, without calling the provider", async () => {
  const first = await renderAndStoreImage(services, renderRequest("task-c1", "owner-c"));
  const files = storedFiles();
  const again = await renderAndStoreImage(services, renderRequest("task-c1", "owner-c"));

  expect(again).toEqual(first);
  expect(requests).toHaveLength(1);
  expect(storedFiles()).toEqual(files);
  expect(await database.db.image.count({ where: { ownerKind: "test-owner", ownerId: "owner-c" } })).toBe(1);
});

test("commits the caller's writes with the image", async () => {
  const image = await renderAndStoreImage(
    services,
    renderRequest("task-d1", "owner-d", {
      writes: ({ id, version }) => [database.db.organization.update({ where: { id: TEAM }, data: { metadata: `${id}@${version}` } })],
    }),
  );
  expect((await database.db.organization.findUniqueOrThrow({ where: { id: TEAM } })).metadata).toBe(`${image.id}@1`);
});

test("keeps neither the row nor the files when the caller's writes fail (the owner was deleted mid-render)", async () => {
  const files = storedFiles();
  const rendered = renderAndStoreImage(
    services,
    renderRequest("task-e1", "owner-e", {
      writes: () => [database.db.organization.update({ where: { id: "a-deleted-team" }, data: { metadata: "never" } })],
    }),
  );

  await expect(rendered).rejects.toMatchObject({ code: "P2025" });
  expect(requests).toHaveLength(1);
  expect(await database.db.image.count({ where: { taskId: "task-e1" } })).toBe(0);
  expect(storedFiles()).toEqual(files);
});

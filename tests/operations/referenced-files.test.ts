// The files a server keeps at start on either database: the names the image and upload rows hold,
// read through the app's Prisma client (src/server/server-start.ts does so on PostgreSQL; also run
// by npm run test:postgres).
import fs from "node:fs";
import path from "node:path";
import { removeUnnamedFiles } from "@/server/storage/orphan-files";
import { referencedFilesIn } from "@/server/storage/stored-files";
import { expect, test } from "../helpers/fixtures";

test("keeps every file a row names and removes the rest and the half-written ones", async ({ database, alice }) => {
  await database.db.image.create({
    data: {
      id: "image-1", teamId: alice.teamId, ownerKind: "scene", ownerId: "scene-1", version: 1, file: "a.png", thumbnailFile: "a.webp",
      width: 1, height: 1, parameters: {}, attempts: 1, durationMs: 1,
    },
  });
  await database.db.personaUpload.create({
    data: { id: "upload-1", teamId: alice.teamId, uploaderId: alice.id, file: "u.png", thumbnailFile: "u.webp", width: 1, height: 1, originalFormat: "png", originalBytes: 1 },
  });
  const named = await referencedFilesIn(database.db);
  expect([...named].sort()).toEqual(["a.png", "a.webp", "u.png", "u.webp"]);

  const images = path.join(database.directory, "images");
  fs.mkdirSync(images, { recursive: true });
  for (const name of ["a.png", "a.webp", "u.png", "u.webp", "lost.png", "a.png.123.0f0e.tmp"]) fs.writeFileSync(path.join(images, name), "x");
  expect(removeUnnamedFiles(named, database.directory).removed.sort()).toEqual(["a.png.123.0f0e.tmp", "lost.png"]);
  expect(fs.readdirSync(images).sort()).toEqual(["a.png", "a.webp", "u.png", "u.webp"]);
});

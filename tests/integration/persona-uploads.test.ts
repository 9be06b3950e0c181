// Uploads through POST /api/personas/uploads: PNG, JPEG and WebP recognised by their bytes, stored
// re-encoded without metadata; anything else — HTML, SVG with a script, text named .png, a picture
// too large or too big, a decompression bomb, a damaged file — refused with a clear message and
// nothing stored.
import fs from "node:fs";
import zlib from "node:zlib";
import encodeChunks from "png-chunks-encode";
import extractChunks from "png-chunks-extract";
import * as pngText from "png-chunk-text";
import sharp from "sharp";
import { afterAll, beforeEach } from "vitest";
import { handleUpload } from "@/server/api/persona-routes";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaTestServices } from "../helpers/persona-services";

let database: TestDatabase;
let testServices: PersonaTestServices;
let alice: TestUser;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
  testServices = createPersonaTestServices({ db: database.db });
});
afterAll(async () => {
  await testServices?.close();
});
beforeEach(async () => {
  await database.db.personaUpload.deleteMany();
  await testServices.services.images.remove(testServices.storedFiles());
});

interface Part {
  name: string;
  type: string;
  bytes: Buffer | string;
}

function uploadRequest(parts: Part[]): Request {
  const form = new FormData();
  for (const part of parts) form.append("files", new File([typeof part.bytes === "string" ? part.bytes : new Uint8Array(part.bytes)], part.name, { type: part.type }));
  return new Request("http://127.0.0.1/api/personas/uploads", { method: "POST", body: form });
}

async function upload(parts: Part[]) {
  const response = await handleUpload(testServices.services, { userId: alice.id, activeTeamId: alice.teamId }, uploadRequest(parts));
  return { status: response.status, body: (await response.json()) as { error?: string; files?: Array<{ ok: boolean; error?: string; uploadId?: string; name: string }> } };
}

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } });

/** A PNG whose header claims a huge picture, with a few kilobytes of IDAT that inflate to megabytes. */
function decompressionBomb(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const idat = zlib.deflateSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
  return Buffer.from(
    encodeChunks([
      { name: "IHDR", data: header },
      { name: "IDAT", data: idat },
      { name: "IEND", data: new Uint8Array(0) },
    ]),
  );
}

async function expectNothingStored() {
  expect(await database.db.personaUpload.count()).toBe(0);
  expect(testServices.storedFiles()).toEqual([]);
}

describe("pictures", () => {
  test("a PNG, a JPEG and a WebP are stored as PNGs without their metadata", async () => {
    const png = Buffer.from(
      encodeChunks(
        extractChunks(await solid(300, 200).png().toBuffer()).flatMap((chunk) =>
          chunk.name === "IEND" ? [pngText.encode("Comment", "GPS 55.95N 3.19W"), chunk] : [chunk],
        ),
      ),
    );
    const jpeg = await solid(120, 90).jpeg().withExif({ IFD0: { Copyright: "private owner", Artist: "someone" } }).toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const webp = await solid(64, 64).webp().toBuffer();

    const { status, body } = await upload([
      { name: "a.png", type: "image/png", bytes: png },
      // Declared types and names do not matter: the bytes say what each file is.
      { name: "b.txt", type: "text/plain", bytes: jpeg },
      { name: "c", type: "application/octet-stream", bytes: webp },
    ]);
    expect(status).toBe(200);
    expect(body.files!.map((file) => file.ok)).toEqual([true, true, true]);
    const rows = await database.db.personaUpload.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => [row.originalFormat, row.width, row.height])).toEqual(
      expect.arrayContaining([
        ["png", 300, 200],
        ["jpeg", 120, 90],
        ["webp", 64, 64],
      ]),
    );
    for (const row of rows) {
      const stored = fs.readFileSync(testServices.services.images.pathOf(row.file));
      const metadata = await sharp(stored).metadata();
      expect(metadata.format).toBe("png");
      expect(metadata.exif).toBeUndefined();
      expect(extractChunks(stored).filter((chunk) => ["tEXt", "iTXt", "zTXt", "eXIf"].includes(chunk.name))).toEqual([]);
    }
  });

  test("one refused file leaves the others stored, each with its own answer", async () => {
    const { status, body } = await upload([
      { name: "good.png", type: "image/png", bytes: await solid(10, 10).png().toBuffer() },
      { name: "page.html", type: "text/html", bytes: "<html><body>hi</body></html>" },
    ]);
    expect(status).toBe(200);
    expect(body.files).toEqual([
      expect.objectContaining({ name: "good.png", ok: true }),
      expect.objectContaining({ name: "page.html", ok: false, error: expect.stringMatching(/Only PNG, JPEG or WebP/) }),
    ]);
    expect(await database.db.personaUpload.count()).toBe(1);
    expect(testServices.storedFiles()).toHaveLength(2);
  });
});

describe("what is not a picture", () => {
  const notPictures = async (): Promise<Array<[string, Part, RegExp]>> => [
    ["an HTML page named .png", { name: "x.png", type: "image/png", bytes: "<!doctype html><script>alert(1)</script>" }, /Only PNG, JPEG or WebP/],
    [
      "an SVG with a script",
      { name: "x.svg", type: "image/svg+xml", bytes: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>' },
      /Only PNG, JPEG or WebP/,
    ],
    ["an SVG named .png", { name: "x.png", type: "image/png", bytes: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' }, /Only PNG, JPEG or WebP/],
    ["a text file named .png", { name: "notes.png", type: "image/png", bytes: "just some notes" }, /Only PNG, JPEG or WebP/],
    ["a GIF", { name: "x.gif", type: "image/gif", bytes: await solid(8, 8).gif().toBuffer() }, /Only PNG, JPEG or WebP/],
    ["PNG magic bytes before text", { name: "x.png", type: "image/png", bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("not a png")]) }, /Only PNG, JPEG or WebP/],
    ["a picture too big", { name: "wide.png", type: "image/png", bytes: await solid(5000, 10).png().toBuffer() }, /at most 4096 pixels a side \(this one is 5000 × 10\)/],
    ["a picture too large", { name: "big.png", type: "image/png", bytes: Buffer.concat([await solid(10, 10).png().toBuffer(), Buffer.alloc(10 * 1024 * 1024)]) }, /too large: at most 10 MB/],
    ["a decompression bomb", { name: "bomb.png", type: "image/png", bytes: decompressionBomb(60_000) }, /at most 4096 pixels a side \(this one is 60000 × 60000\)/],
    ["a damaged PNG", { name: "cut.png", type: "image/png", bytes: (await solid(400, 400).png().toBuffer()).subarray(0, 200) }, /could not be decoded|Only PNG/],
  ];

  test("is refused with a clear message, and nothing is stored", async () => {
    for (const [what, part, message] of await notPictures()) {
      const startedAt = performance.now();
      const { status, body } = await upload([part]);
      expect(status, what).toBe(400);
      expect(body.error, what).toMatch(message);
      expect(body.files![0], what).toMatchObject({ ok: false, error: expect.stringMatching(message) });
      expect(performance.now() - startedAt, `${what} is refused quickly`).toBeLessThan(2_000);
      await expectNothingStored();
    }
  });

  test("a request that is not a form, is too long, or has too many files is refused whole", async () => {
    const json = new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect((await handleUpload(testServices.services, { userId: alice.id, activeTeamId: alice.teamId }, json)).status).toBe(400);
    const huge = new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(200 * 1024 * 1024) }, body: "--x--" });
    expect((await handleUpload(testServices.services, { userId: alice.id, activeTeamId: alice.teamId }, huge)).status).toBe(413);
    const tiny = await solid(4, 4).png().toBuffer();
    const { status, body } = await upload(Array.from({ length: 11 }, (_, index) => ({ name: `${index}.png`, type: "image/png", bytes: tiny })));
    expect(status).toBe(400);
    expect(body.error).toBe("Upload at most 10 pictures at a time");
    expect((await upload([])).body.error).toBe("Choose at least one picture to upload");
    await expectNothingStored();
  });
});

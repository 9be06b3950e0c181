// Files that are not what they claim, through the app's own upload and card-import routes: a
// picture is kept only as a clean re-encoding (whatever was appended, embedded or hidden in it is
// gone), a script in any disguise is refused, a decompression bomb is refused from its header
// before a pixel is decoded, and a card built to crash a parser is a 400. What is stored is served
// as image/png with nosniff. tests/integration/persona-uploads.test.ts checks the upload rules
// themselves; this file attacks them.
import zlib from "node:zlib";
import encodeChunks from "png-chunks-encode";
import extractChunks from "png-chunks-extract";
import * as pngText from "png-chunk-text";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { APP_ORIGIN, callRoute, signUpThroughRoute, useAppEnvironment, type AppAccount } from "../helpers/app-in-process";

const app = useAppEnvironment();
let alice: AppAccount;

beforeAll(async () => {
  alice = await signUpThroughRoute("Alice");
});
afterAll(() => app.cleanup());

const SCRIPT = "<script>alert(document.cookie)</script>";
const solid = (width = 40, height = 30) => sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 90 } } });

async function upload(name: string, bytes: Buffer | string, type = "image/png") {
  const form = new FormData();
  form.append("files", new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name, { type }));
  const response = await callRoute("/api/personas/uploads", {}, { method: "POST", body: form, cookie: alice.cookie, headers: { origin: APP_ORIGIN } });
  return { status: response.status, body: (await response.json()) as { error?: string; files: Array<{ ok: boolean; uploadId?: string; error?: string }> } };
}

async function stored(uploadId: string) {
  const response = await callRoute("/api/personas/uploads/[uploadId]", { uploadId }, { cookie: alice.cookie });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

function withChunkBeforeEnd(png: Buffer, chunk: { name: string; data: Uint8Array }): Buffer {
  const chunks = extractChunks(png);
  chunks.splice(chunks.length - 1, 0, chunk);
  return Buffer.from(encodeChunks(chunks));
}

/** A JPEG whose start-of-frame claims `side` × `side` pixels, over a few bytes of real data. */
async function jpegClaiming(side: number): Promise<Buffer> {
  const jpeg = Buffer.from(await solid(16, 16).jpeg().toBuffer());
  for (let offset = 2; offset < jpeg.length - 9; offset += 1) {
    if (jpeg[offset] === 0xff && (jpeg[offset + 1] === 0xc0 || jpeg[offset + 1] === 0xc2)) {
      jpeg.writeUInt16BE(side, offset + 5);
      jpeg.writeUInt16BE(side, offset + 7);
      return jpeg;
    }
  }
  throw new Error("No start-of-frame marker");
}

function pngBomb(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.from(encodeChunks([{ name: "IHDR", data: header }, { name: "IDAT", data: zlib.deflateSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 }) }, { name: "IEND", data: new Uint8Array(0) }]));
}

describe("pictures carrying something else", () => {
  test.each([
    ["HTML appended after the PNG's end", async () => Buffer.concat([await solid().png().toBuffer(), Buffer.from(`<html><body>${SCRIPT}</body></html>`)])],
    ["a zip appended after the PNG's end (a PNG/ZIP polyglot)", async () => Buffer.concat([await solid().png().toBuffer(), Buffer.from(`PK\u0003\u0004${"\u0000".repeat(26)}evil.html${SCRIPT}`, "latin1")])],
    ["a script in a PNG text chunk", async () => withChunkBeforeEnd(await solid().png().toBuffer(), pngText.encode("Comment", SCRIPT))],
    ["a script in a JPEG comment and EXIF", async () => solid().jpeg().withExif({ IFD0: { ImageDescription: SCRIPT, Artist: SCRIPT } }).toBuffer().then((jpeg) => Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x00, SCRIPT.length + 2]), Buffer.from(SCRIPT), jpeg.subarray(2)]))],
    ["HTML after a WebP's data", async () => Buffer.concat([await solid().webp().toBuffer(), Buffer.from(SCRIPT)])],
  ])("%s: kept only as a clean re-encoded PNG, served as image/png with nosniff", async (_what, make) => {
    const bytes = await make();
    const { status, body } = await upload("holiday.png", bytes);
    expect(status).toBe(200);
    const { response, bytes: served } = await stored(body.files[0]!.uploadId!);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await sharp(served).metadata()).format).toBe("png");
    expect(served.toString("latin1")).not.toContain("<script");
    expect(served.toString("latin1")).not.toContain("PK\u0003\u0004");
    expect(extractChunks(served).map((chunk) => chunk.name).filter((name) => !["IHDR", "IDAT", "IEND", "pHYs"].includes(name))).toEqual([]);
  });
});

describe("what only claims to be a picture", () => {
  test.each([
    ["an HTML page named .png", "page.png", `<!doctype html><html>${SCRIPT}</html>`, "image/png"],
    ["an SVG with a script", "x.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">${SCRIPT}</svg>`, "image/svg+xml"],
    ["an SVG named .png", "x.png", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "image/png"],
    ["an XML file with an external entity", "x.png", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>`, "image/png"],
    ["a script behind PNG magic bytes", "x.png", `\u0089PNG\r\n\u001a\n${SCRIPT}`, "image/png"],
    ["a GIF with a script after it (GIFAR)", "x.gif", `GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;${SCRIPT}`, "image/gif"],
    ["a PDF", "x.png", "%PDF-1.4\n1 0 obj<</JS(app.alert(1))>>endobj", "application/pdf"],
  ])("%s is refused, and nothing is stored", async (_what, name, content, type) => {
    const before = await countUploads();
    const { status, body } = await upload(name, Buffer.from(content, "latin1"), type);
    expect(status).toBe(400);
    expect(body.files[0]).toMatchObject({ ok: false, error: expect.stringMatching(/Only PNG, JPEG or WebP/) });
    expect(await countUploads()).toBe(before);
  });
});

describe("decompression bombs", () => {
  test.each([
    ["a PNG claiming 60,000 × 60,000 pixels", () => Promise.resolve(pngBomb(60_000))],
    ["a JPEG claiming 65,000 × 65,000 pixels", () => jpegClaiming(65_000)],
  ])("%s is refused from its header, quickly", async (_what, make) => {
    const bytes = await make();
    const startedAt = performance.now();
    const { status, body } = await upload("bomb.png", bytes);
    expect(status).toBe(400);
    expect(body.files[0]!.error).toMatch(/at most 4096 pixels a side/);
    expect(performance.now() - startedAt).toBeLessThan(3_000);
  });
});

describe("character cards built to break the reader", () => {
  async function importCard(bytes: Buffer, name = "card.json") {
    const form = new FormData();
    form.append("file", new File([new Uint8Array(bytes)], name));
    const response = await callRoute("/api/personas/import", {}, { method: "POST", body: form, cookie: alice.cookie, headers: { origin: APP_ORIGIN } });
    return { status: response.status, body: (await response.json()) as { error?: string; personaId?: string } };
  }

  test.each([
    ["JSON nested 100,000 deep", () => Buffer.from(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`)],
    ["an array nested 500,000 deep", () => Buffer.from(`${"[".repeat(500_000)}${"]".repeat(500_000)}`)],
    ["a PNG whose card chunk is not base64 JSON", async () => withChunkBeforeEnd(await solid().png().toBuffer(), pngText.encode("chara", "!!not base64 json!!"))],
    ["a PNG whose card chunk nests 100,000 deep", async () => withChunkBeforeEnd(await solid().png().toBuffer(), pngText.encode("chara", Buffer.from(`${'{"data":'.repeat(100_000)}1${"}".repeat(100_000)}`).toString("base64")))],
    ["an HTML page", () => Promise.resolve(Buffer.from(`<html>${SCRIPT}</html>`))],
  ])("%s is a 400, not a crash", async (_what, make) => {
    const { status, body } = await importCard(await make());
    expect(status).toBe(400);
    expect(body.error).toMatch(/character card/i);
  });

  test("a card whose fields hold scripts is imported as text (pages escape it: tests/e2e/hostile-text.spec.ts)", async () => {
    const card = { spec: "chara_card_v2", spec_version: "2.0", data: { name: `<img src=x onerror=alert(1)>${SCRIPT}`, description: SCRIPT, personality: "", scenario: "", first_mes: SCRIPT, mes_example: "" } };
    const { status, body } = await importCard(Buffer.from(JSON.stringify(card)));
    expect(status).toBe(200);
    expect(body.personaId).toBeTruthy();
  });
});

async function countUploads() {
  const { db } = await import("@/server/db");
  return db().personaUpload.count();
}

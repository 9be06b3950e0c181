// The app with IMAGE_STORE=s3, in process against a real S3-compatible server (s3rver on
// 127.0.0.1): a deck rendered through the app's router stores its pictures in the bucket and none
// under DATA_DIR; the image route, the upload route and the deck exports serve them from there to
// members only; deleting the deck deletes its objects.
import fs from "node:fs";
import path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import { appEngine, imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { env } from "@/server/env";
import { storeUploads } from "@/server/features/persona/uploads";
import { createS3Client } from "@/server/storage/s3-image-store";
import { callRoute, signUpThroughRoute, useAppEnvironment, type AppAccount, type AppEnvironment } from "../helpers/app-in-process";
import { S3_TEST_BUCKET, startS3Server, type S3TestServer } from "../helpers/s3-server";
import { readZip } from "../helpers/zip";

let server: S3TestServer;
let app: AppEnvironment;
let client: S3Client;
let alice: AppAccount;
let bob: AppAccount;
let deckId: string;

const callerAs = (account: AppAccount) => createCaller(createInnerContext({ db: db(), user: { id: account.id, name: account.name, email: account.email }, activeTeamId: account.teamId }));

async function objectBytes(file: string): Promise<Buffer> {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: S3_TEST_BUCKET, Key: `images/${file}` }));
  return Buffer.from(await Body!.transformToByteArray());
}

async function keysInBucket(): Promise<string[]> {
  const { Contents } = await client.send(new ListObjectsV2Command({ Bucket: S3_TEST_BUCKET }));
  return (Contents ?? []).map((object) => object.Key!).sort();
}

async function deckImages() {
  const deck = await callerAs(alice).slides.get({ deckId });
  return db().image.findMany({ where: { id: { in: deck.slides.map((slide) => slide.currentImageId!) } } });
}

beforeAll(async () => {
  server = await startS3Server();
  app = useAppEnvironment(server.settings);
  client = createS3Client(env());
  alice = await signUpThroughRoute("Alice");
  bob = await signUpThroughRoute("Bob");
  const created = await callerAs(alice).slides.create({
    title: "Harbour report",
    stylePreset: "flat-corporate",
    aspectRatio: "16:9",
    quality: "standard",
    slides: [
      { title: "One", text: "Revenue grew in the north.", imagePrompt: "" },
      { title: "Two", text: "The harbour opened.", imagePrompt: "A harbour at dawn" },
    ],
  });
  deckId = created.deckId;
  expect((await appEngine().waitForRun(created.runId)).status).toBe("succeeded");
}, 120_000);
afterAll(async () => {
  await app?.cleanup();
  client?.destroy();
  await server?.stop();
});

describe("images in an S3 bucket", () => {
  test("a rendered deck's pictures are objects in the bucket, and nothing is written under DATA_DIR/images", async () => {
    const images = await deckImages();
    expect(images).toHaveLength(2);
    const keys = await keysInBucket();
    for (const image of images) expect(keys).toEqual(expect.arrayContaining([`images/${image.file}`, `images/${image.thumbnailFile}`]));
    expect(keys).toHaveLength(4);
    expect(fs.existsSync(path.join(app.directory, "images"))).toBe(false);
  });

  test("the image route streams a member the original and the thumbnail from the bucket; an outsider gets 404", async () => {
    const [image] = await deckImages();
    const original = await callRoute("/api/images/[imageId]", { imageId: image!.id }, { cookie: alice.cookie });
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await original.arrayBuffer());
    expect(original.headers.get("content-length")).toBe(String(bytes.length));
    expect(bytes.equals(await objectBytes(image!.file))).toBe(true);

    const thumbnail = await callRoute("/api/images/[imageId]", { imageId: image!.id }, { cookie: alice.cookie, url: `/api/images/${image!.id}?variant=thumbnail` });
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    const thumbnailBytes = Buffer.from(await thumbnail.arrayBuffer());
    expect(thumbnailBytes.equals(await objectBytes(image!.thumbnailFile))).toBe(true);
    expect((await sharp(thumbnailBytes).metadata()).format).toBe("webp");

    const outsider = await callRoute("/api/images/[imageId]", { imageId: image!.id }, { cookie: bob.cookie });
    expect(outsider.status).toBe(404);
  });

  test("an uploaded picture is stored in the bucket and served by the upload route", async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#335577" } }).png().toBuffer();
    const [upload] = await storeUploads({ db: db(), images: imageStore() }, { userId: alice.id, teamId: alice.teamId }, [{ name: "a.png", bytes: png }]);
    if (!upload?.ok) throw new Error(`The upload was refused: ${JSON.stringify(upload)}`);
    const row = await db().personaUpload.findUniqueOrThrow({ where: { id: upload.uploadId } });
    const served = await callRoute("/api/personas/uploads/[uploadId]", { uploadId: row.id }, { cookie: alice.cookie });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(await objectBytes(row.file))).toBe(true);
    await imageStore().remove([row.file, row.thumbnailFile]);
    await db().personaUpload.delete({ where: { id: row.id } });
  });

  test("the deck's zip holds the bucket's pictures, and its PDF and PowerPoint are made from them", async () => {
    const images = await deckImages();
    const zip = await callRoute("/api/decks/[deckId]/export", { deckId }, { cookie: alice.cookie, url: `/api/decks/${deckId}/export?format=zip` });
    expect(zip.status).toBe(200);
    const pictures = readZip(Buffer.from(await zip.arrayBuffer())).filter((entry) => entry.name.startsWith("images/"));
    expect(pictures).toHaveLength(2);
    const stored = await Promise.all(images.map((image) => objectBytes(image.file)));
    for (const picture of pictures) expect(stored.some((bytes) => bytes.equals(picture.data))).toBe(true);

    const pdf = await callRoute("/api/decks/[deckId]/export", { deckId }, { cookie: alice.cookie, url: `/api/decks/${deckId}/export?format=pdf` });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const pptx = await callRoute("/api/decks/[deckId]/export", { deckId }, { cookie: alice.cookie, url: `/api/decks/${deckId}/export?format=pptx` });
    const media = readZip(Buffer.from(await pptx.arrayBuffer())).filter((entry) => /^ppt\/media\/.+\.png$/.test(entry.name));
    expect(media).toHaveLength(2);
  });

  test("deleting the deck deletes its objects", async () => {
    const images = await deckImages();
    await callerAs(alice).slides.delete({ deckId });
    const keys = await keysInBucket();
    for (const image of images) expect(keys).not.toContain(`images/${image.file}`);
    expect(keys).toEqual([]);
  });
});

// Image files as objects in an S3-compatible bucket (IMAGE_STORE=s3, docs/scale-out.md), for app
// instances and workers on machines that share no directory. The names are the directory store's,
// chosen by the server, under a key prefix. S3 stores an object whole or not at all, so there is
// no temporary name; the thumbnail is made by the CPU workers, the upload is made from here.
import type { Readable } from "node:stream";
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { Env } from "@/server/env";
import { cpuPool, type CpuPool } from "@/server/workers/cpu-pool";
import { checkedName, newStoredImage, THUMBNAIL_WIDTH, type ImageStore } from "./image-store";

export type S3Settings = Pick<Env, "S3_BUCKET" | "S3_PREFIX" | "S3_ENDPOINT" | "S3_REGION" | "S3_FORCE_PATH_STYLE" | "S3_ACCESS_KEY_ID" | "S3_SECRET_ACCESS_KEY">;

/** Without S3_ACCESS_KEY_ID the SDK finds credentials itself (AWS_* variables, profile, instance role). */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.S3_REGION,
    endpoint: settings.S3_ENDPOINT,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    credentials: settings.S3_ACCESS_KEY_ID && settings.S3_SECRET_ACCESS_KEY ? { accessKeyId: settings.S3_ACCESS_KEY_ID, secretAccessKey: settings.S3_SECRET_ACCESS_KEY } : undefined,
    // Checksums only where the API requires one: many S3-compatible servers refuse the SDK's
    // default extra checksum headers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

const isNotFound = (error: unknown) => error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;

/** `client` defaults to one made from the settings; `workers` to the app's CPU workers. */
export function createS3ImageStore(settings: S3Settings, options: { client?: S3Client; workers?: Pick<CpuPool, "run"> } = {}): ImageStore {
  const bucket = settings.S3_BUCKET;
  if (!bucket) throw new Error("IMAGE_STORE=s3 needs S3_BUCKET");
  const client = options.client ?? createS3Client(settings);
  const key = (file: string) => `${settings.S3_PREFIX}${checkedName(file)}`;

  async function get(file: string) {
    const { Body, ContentLength } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(file) }));
    if (!Body || ContentLength === undefined) throw new Error(`The object of ${file} came without a body or length`);
    return { Body, ContentLength };
  }

  return {
    async save(png) {
      const stored = newStoredImage();
      const thumbnail = await (options.workers ?? cpuPool()).run("image-thumbnail", { png, width: THUMBNAIL_WIDTH });
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(stored.thumbnailFile), Body: thumbnail, ContentType: "image/webp" }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(stored.file), Body: png, ContentType: "image/png" }));
      return stored;
    },
    async read(file) {
      return Buffer.from(await (await get(file)).Body.transformToByteArray());
    },
    async open(file) {
      const { Body, ContentLength } = await get(file);
      // In Node the SDK's body is the HTTP response itself, a Readable.
      return { size: ContentLength, stream: Body as Readable };
    },
    async exists(file) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(file) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async remove(files) {
      const keys = files.map(key);
      // One request deletes up to 1000 keys; keys already gone count as deleted.
      for (let start = 0; start < keys.length; start += 1000) {
        const objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
        const { Errors } = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
        const [first] = Errors ?? [];
        if (first) throw new Error(`Could not delete ${Errors!.length} image object(s), e.g. ${first.Key}: ${first.Code} ${first.Message}`);
      }
    },
  };
}

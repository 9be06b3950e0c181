// Where image files live: under DATA_DIR/images by default (this file), or in an S3-compatible
// bucket (s3-image-store.ts) when app instances and workers run on several machines. Names are
// chosen here (random ids), never taken from users, and a file appears whole under its final name
// or not at all. The thumbnail is made (and in the directory, both files are written) by the CPU
// workers: the request thread hands the bytes over and keeps nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { cpuPool, type CpuPool } from "@/server/workers/cpu-pool";

export const THUMBNAIL_WIDTH = 480;
const NAME_PATTERN = /^[a-f0-9-]{36}\.(png|webp)$/;

export interface StoredImage {
  file: string;
  thumbnailFile: string;
}

/** Every method but `save` throws for any name the store could not have chosen. */
export interface ImageStore {
  save(png: Buffer): Promise<StoredImage>;
  /** A stored file's bytes; rejects when it is gone. */
  read(file: string): Promise<Buffer>;
  /** A stored file's bytes as a stream, with their count; rejects when it is gone. */
  open(file: string): Promise<{ size: number; stream: Readable }>;
  exists(file: string): Promise<boolean>;
  remove(files: string[]): Promise<void>;
}

export interface DirectoryImageStore extends ImageStore {
  /** The absolute path of a stored file. */
  pathOf(file: string): string;
}

/** Throws for any name the store could not have chosen (no path, no user's text reaches a store). */
export function checkedName(file: string): string {
  if (!NAME_PATTERN.test(file)) throw new Error(`Not a stored image name: ${JSON.stringify(file)}`);
  return file;
}

export function newStoredImage(): StoredImage {
  const id = crypto.randomUUID();
  return { file: `${id}.png`, thumbnailFile: `${id}.webp` };
}

/** `workers` defaults to the app's CPU workers. */
export function createImageStore(dataDirectory: string, workers?: Pick<CpuPool, "run">): DirectoryImageStore {
  const directory = path.resolve(dataDirectory, "images");
  const pathOf = (file: string) => path.join(directory, checkedName(file));

  return {
    async save(png) {
      await fs.promises.mkdir(directory, { recursive: true });
      const stored = newStoredImage();
      await (workers ?? cpuPool()).run("store-image", { png, directory, ...stored, thumbnailWidth: THUMBNAIL_WIDTH });
      return stored;
    },
    pathOf,
    read: (file) => fs.promises.readFile(pathOf(file)),
    async open(file) {
      const { size } = await fs.promises.stat(pathOf(file));
      return { size, stream: fs.createReadStream(pathOf(file)) };
    },
    exists: (file) => fs.promises.access(pathOf(file)).then(() => true, () => false),
    async remove(files) {
      await Promise.all(files.map((file) => fs.promises.rm(pathOf(file), { force: true })));
    },
  };
}

// Image files under DATA_DIR/images. Names are chosen here (random ids), never taken from users,
// and every file is written to a temporary name first and renamed, so a crash never leaves a
// half-written file under a final name. The thumbnail is made and both files are written by the
// CPU workers: the request thread hands the bytes over and keeps nothing.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { cpuPool, type CpuPool } from "@/server/workers/cpu-pool";

export const THUMBNAIL_WIDTH = 480;
const NAME_PATTERN = /^[a-f0-9-]{36}\.(png|webp)$/;

export interface StoredImage {
  file: string;
  thumbnailFile: string;
}

export interface ImageStore {
  save(png: Buffer): Promise<StoredImage>;
  /** The absolute path of a stored file; throws for any name the store could not have chosen. */
  pathOf(file: string): string;
  remove(files: string[]): Promise<void>;
}

/** `workers` defaults to the app's CPU workers. */
export function createImageStore(dataDirectory: string, workers?: Pick<CpuPool, "run">): ImageStore {
  const directory = path.resolve(dataDirectory, "images");

  function pathOf(file: string) {
    if (!NAME_PATTERN.test(file)) throw new Error(`Not a stored image name: ${JSON.stringify(file)}`);
    return path.join(directory, file);
  }

  return {
    async save(png) {
      await fs.mkdir(directory, { recursive: true });
      const id = crypto.randomUUID();
      const stored = { file: `${id}.png`, thumbnailFile: `${id}.webp` };
      await (workers ?? cpuPool()).run("store-image", { png, directory, ...stored, thumbnailWidth: THUMBNAIL_WIDTH });
      return stored;
    },
    pathOf,
    async remove(files) {
      await Promise.all(files.map((file) => fs.rm(pathOf(file), { force: true })));
    },
  };
}

// Image files under DATA_DIR/images. Names are chosen here (random ids), never taken from users,
// and every file is written to a temporary name first and renamed, so a crash never leaves a
// half-written file under a final name.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

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

export function createImageStore(dataDirectory: string): ImageStore {
  const directory = path.resolve(dataDirectory, "images");

  async function writeAtomically(name: string, bytes: Buffer) {
    const target = path.join(directory, name);
    const temporary = `${target}.${process.pid}.${crypto.randomUUID()}.tmp`;
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, target);
  }

  function pathOf(file: string) {
    if (!NAME_PATTERN.test(file)) throw new Error(`Not a stored image name: ${JSON.stringify(file)}`);
    return path.join(directory, file);
  }

  return {
    async save(png) {
      await fs.mkdir(directory, { recursive: true });
      const id = crypto.randomUUID();
      const thumbnail = await sharp(png).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
      const stored = { file: `${id}.png`, thumbnailFile: `${id}.webp` };
      await writeAtomically(stored.thumbnailFile, thumbnail);
      await writeAtomically(stored.file, png);
      return stored;
    },
    pathOf,
    async remove(files) {
      await Promise.all(files.map((file) => fs.rm(pathOf(file), { force: true })));
    },
  };
}

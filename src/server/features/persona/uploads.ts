// Pictures uploaded to make personas from. A file is a picture when its bytes say so — PNG, JPEG or
// WebP magic bytes, and sharp agreeing on the format and decoding it — never because of its name or
// declared type. Size and dimensions are checked from the header before any pixel is decoded, so a
// decompression bomb is refused cheaply. Accepted pictures are re-encoded as PNG without their
// metadata (EXIF, GPS, colour profiles, text chunks) before they are stored or sent anywhere.
import crypto from "node:crypto";
import sharp from "sharp";
import type { Database } from "@/server/db";
import { AppError, notFound } from "@/server/errors";
import { isTeamMember } from "@/server/features/teams/membership";
import type { ImageStore } from "@/server/storage/image-store";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MAX_UPLOAD_SIDE = 4096;
export const MAX_FILES_PER_UPLOAD = 10;

export type PictureFormat = "png" | "jpeg" | "webp";

const NOT_A_PICTURE = "Only PNG, JPEG or WebP pictures can be uploaded, and this file is not one (its content was checked, not its name)";

/** The format the bytes start with, if any of the three. */
export function sniffFormat(bytes: Uint8Array): PictureFormat | undefined {
  const starts = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (starts([0xff, 0xd8, 0xff])) return "jpeg";
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  return undefined;
}

export interface CheckedPicture {
  png: Buffer;
  width: number;
  height: number;
  format: PictureFormat;
}

/** Checks that the bytes are a picture within the limits and re-encodes it; BAD_REQUEST otherwise. */
export async function checkPicture(bytes: Buffer): Promise<CheckedPicture> {
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw new AppError("PAYLOAD_TOO_LARGE", `The picture is too large: at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  }
  const format = sniffFormat(bytes);
  if (!format) throw new AppError("BAD_REQUEST", NOT_A_PICTURE);
  // The header alone (no pixel decoded), so an oversized picture gets its own message below.
  const metadata = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
  if (!metadata || metadata.format !== format || !metadata.width || !metadata.height) throw new AppError("BAD_REQUEST", NOT_A_PICTURE);
  if (metadata.width > MAX_UPLOAD_SIDE || metadata.height > MAX_UPLOAD_SIDE) {
    throw new AppError("BAD_REQUEST", `The picture is too big: at most ${MAX_UPLOAD_SIDE} pixels a side (this one is ${metadata.width} × ${metadata.height})`);
  }
  try {
    // rotate() applies the EXIF orientation before the metadata goes; sharp writes none by default.
    // failOn "error" refuses truncated or corrupt data instead of storing a half-grey picture.
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_UPLOAD_SIDE * MAX_UPLOAD_SIDE, failOn: "error" })
      .rotate()
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height, format };
  } catch {
    throw new AppError("BAD_REQUEST", "This picture could not be decoded: it may be damaged or truncated");
  }
}

export interface UploadFile {
  name: string;
  bytes: Buffer;
}

export type UploadResult =
  | { name: string; ok: true; uploadId: string; width: number; height: number }
  | { name: string; ok: false; error: string };

/** Checks and stores each file on its own: a refused file stores nothing and leaves the others. */
export async function storeUploads(
  services: { db: Database; images: ImageStore },
  actor: { userId: string; teamId: string },
  files: UploadFile[],
): Promise<UploadResult[]> {
  if (!files.length) throw new AppError("BAD_REQUEST", "Choose at least one picture to upload");
  if (files.length > MAX_FILES_PER_UPLOAD) throw new AppError("BAD_REQUEST", `Upload at most ${MAX_FILES_PER_UPLOAD} pictures at a time`);
  const results: UploadResult[] = [];
  for (const file of files) {
    const name = file.name.slice(0, 200);
    try {
      const picture = await checkPicture(file.bytes);
      const stored = await services.images.save(picture.png);
      const id = crypto.randomUUID();
      try {
        await services.db.personaUpload.create({
          data: {
            id,
            teamId: actor.teamId,
            uploaderId: actor.userId,
            file: stored.file,
            thumbnailFile: stored.thumbnailFile,
            width: picture.width,
            height: picture.height,
            originalFormat: picture.format,
            originalBytes: file.bytes.length,
          },
        });
      } catch (error) {
        await services.images.remove([stored.file, stored.thumbnailFile]);
        throw error;
      }
      results.push({ name, ok: true, uploadId: id, width: picture.width, height: picture.height });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results.push({ name, ok: false, error: error.message });
    }
  }
  return results;
}

/** An uploaded picture, for members of the team it was uploaded to. */
export async function findUpload(db: Database, userId: string, uploadId: string) {
  const upload = await db.personaUpload.findUnique({ where: { id: uploadId } });
  if (!upload || !(await isTeamMember(db, userId, upload.teamId))) throw notFound("Upload");
  return upload;
}

// Bringing an earlier version of an owner's picture back when the owner's current picture is simply
// its highest version (a persona's avatar): the earlier one is stored again as the next version,
// with its own files and the parameters that produced it, so every version keeps meaning "what was
// shown from then on" and deleting one never takes another's files.
import crypto from "node:crypto";
import type { Image, Prisma } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import type { ImageStore } from "@/server/storage/image-store";

export async function copyAsNextVersion(services: { db: Database; images: ImageStore }, image: Image): Promise<Image> {
  const { db, images } = services;
  const stored = await images.save(await images.read(image.file));
  try {
    // The version is taken inside the transaction that writes it (the owner's versions are unique).
    return await db.$transaction(async (transaction) => {
      const latest = await transaction.image.findFirst({
        where: { ownerKind: image.ownerKind, ownerId: image.ownerId },
        orderBy: { version: "desc" },
        select: { version: true },
      });
      return transaction.image.create({
        data: {
          id: crypto.randomUUID(),
          teamId: image.teamId,
          ownerKind: image.ownerKind,
          ownerId: image.ownerId,
          version: (latest?.version ?? 0) + 1,
          file: stored.file,
          thumbnailFile: stored.thumbnailFile,
          width: image.width,
          height: image.height,
          parameters: image.parameters as Prisma.InputJsonValue,
          // Nothing was rendered or retried for the copy.
          attempts: 0,
          durationMs: 0,
        },
      });
    });
  } catch (error) {
    await images.remove([stored.file, stored.thumbnailFile]);
    throw error;
  }
}

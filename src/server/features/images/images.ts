// Generated pictures of every domain: one Image row per rendered version, owned by a kind and an
// id (a story scene now; persona avatars and slides next), readable by members of its team only.
import { z } from "zod";
import type { Image, Prisma } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import { notFound } from "@/server/errors";
import { isTeamMember } from "@/server/features/teams/membership";

/** Exactly what reproduces an image, as stored in Image.parameters; what was not sent is null. */
export const imageParametersSchema = z.object({
  provider: z.string(),
  model: z.string(),
  size: z.string(),
  quality: z.string().nullable(),
  style: z.string().nullable(),
  prompt: z.string(),
  negativePrompt: z.string().nullable(),
  revisedPrompt: z.string().nullable(),
  seed: z.number().nullable(),
});
export type ImageParameters = z.infer<typeof imageParametersSchema>;

export const parametersOf = (image: Pick<Image, "parameters">): ImageParameters => imageParametersSchema.parse(image.parameters);

/** The images of the given owners, oldest version first, by owner id. */
export async function imagesByOwner(db: Database, ownerKind: string, ownerIds: string[]): Promise<Map<string, Image[]>> {
  const images = await db.image.findMany({ where: { ownerKind, ownerId: { in: ownerIds } }, orderBy: [{ ownerId: "asc" }, { version: "asc" }] });
  const byOwner = new Map<string, Image[]>();
  for (const image of images) {
    const owned = byOwner.get(image.ownerId);
    if (owned) owned.push(image);
    else byOwner.set(image.ownerId, [image]);
  }
  return byOwner;
}

/** The image, if the user is a member of its team; another team's image answers like a missing one. */
export async function findImage(db: Database, userId: string, imageId: string): Promise<Image> {
  const image = await db.image.findUnique({ where: { id: imageId } });
  if (!image || !(await isTeamMember(db, userId, image.teamId))) throw notFound("Image");
  return image;
}

export type ImageVariant = "original" | "thumbnail";

/** The stored file the route serves for an image, after the membership check. */
export async function imageFile(db: Database, userId: string, imageId: string, variant: ImageVariant): Promise<{ file: string; contentType: string }> {
  const image = await findImage(db, userId, imageId);
  return variant === "thumbnail" ? { file: image.thumbnailFile, contentType: "image/webp" } : { file: image.file, contentType: "image/png" };
}

/**
 * Deletes the image rows of the given owners inside the caller's transaction (the one deleting the
 * owners, so no render commits an image in between) and returns their files, to remove once it
 * has committed.
 */
export async function deleteImageRows(tx: Prisma.TransactionClient, ownerKind: string, ownerIds: string[]): Promise<string[]> {
  const where = { ownerKind, ownerId: { in: ownerIds } };
  const images = await tx.image.findMany({ where, select: { file: true, thumbnailFile: true } });
  await tx.image.deleteMany({ where });
  return images.flatMap((image) => [image.file, image.thumbnailFile]);
}

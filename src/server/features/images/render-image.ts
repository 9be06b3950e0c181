// One render-and-store for every domain's image tasks: render through the engine's image budget,
// save the files, and record the Image with the caller's own writes in one transaction. A task
// executed again (after a crash, or retryFailed) gets the image it already paid for.
import crypto from "node:crypto";
import type { Image, Prisma } from "@/generated/prisma/client";
import type { Database } from "@/server/db";
import type { TaskContext } from "@/server/generation/types";
import type { Providers, RenderImageRequest } from "@/server/providers/types";
import type { ImageStore } from "@/server/storage/image-store";
import type { ImageParameters } from "./images";

export interface RenderImageServices {
  db: Database;
  providers: Providers;
  images: ImageStore;
}

export interface ImageOwner {
  /** What owns the image: "scene", later "persona", "slide". */
  kind: string;
  id: string;
}

export interface RenderAndStoreRequest {
  /** The context of the engine task paying for the render: it gets one image, however often it executes. */
  context: Pick<TaskContext, "task" | "attempt" | "callProvider">;
  teamId: string;
  owner: ImageOwner;
  /** What to render as the owner's next version (a seed may follow the version). */
  request(version: number): Omit<RenderImageRequest, "signal">;
  /**
   * Writes committed in the same transaction as the new Image, after it (for example: make it the
   * owner's current image). When the transaction fails, for instance because the owner was deleted
   * during the render, nothing is kept: neither the row nor the files.
   */
  writes?(image: { id: string; version: number }): Prisma.PrismaPromise<unknown>[];
}

export async function renderAndStoreImage(services: RenderImageServices, request: RenderAndStoreRequest): Promise<Image> {
  const { db, providers, images } = services;
  const { context, owner } = request;
  const existing = await db.image.findUnique({ where: { taskId: context.task.id } });
  if (existing) return existing;

  const latest = await db.image.findFirst({
    where: { ownerKind: owner.kind, ownerId: owner.id },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  const version = (latest?.version ?? 0) + 1;
  const renderRequest = request.request(version);
  const startedAt = Date.now();
  const result = await context.callProvider("image", (signal) => providers.image.renderImage({ ...renderRequest, signal }));
  const stored = await images.save(result.png);
  const { parameters } = result;
  const imageParameters: ImageParameters = {
    provider: parameters.provider,
    model: parameters.model,
    size: parameters.size,
    quality: parameters.quality ?? null,
    style: parameters.style ?? null,
    prompt: parameters.prompt,
    negativePrompt: parameters.negativePrompt ?? null,
    revisedPrompt: result.revisedPrompt ?? null,
    seed: parameters.seed ?? null,
  };
  const id = crypto.randomUUID();
  try {
    const [image] = await db.$transaction([
      db.image.create({
        data: {
          id,
          teamId: request.teamId,
          ownerKind: owner.kind,
          ownerId: owner.id,
          version,
          taskId: context.task.id,
          file: stored.file,
          thumbnailFile: stored.thumbnailFile,
          width: result.width,
          height: result.height,
          parameters: imageParameters,
          attempts: context.attempt,
          durationMs: Date.now() - startedAt,
        },
      }),
      ...(request.writes?.({ id, version }) ?? []),
    ]);
    return image;
  } catch (error) {
    await images.remove([stored.file, stored.thumbnailFile]);
    throw error;
  }
}

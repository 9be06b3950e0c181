import fs from "node:fs";
import { Readable } from "node:stream";
import { imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { findSceneImage } from "@/server/features/story/projects";
import { errorResponse, requireUserId } from "@/server/http";

export const dynamic = "force-dynamic";

/** A scene image for members of its project's team; `?variant=thumbnail` for the grid. */
export async function GET(request: Request, { params }: { params: Promise<{ imageId: string }> }) {
  try {
    const userId = await requireUserId(request);
    const image = await findSceneImage(db(), userId, (await params).imageId);
    const thumbnail = new URL(request.url).searchParams.get("variant") === "thumbnail";
    const file = imageStore().pathOf(thumbnail ? image.thumbnailFile : image.file);
    const stat = await fs.promises.stat(file);
    return new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": thumbnail ? "image/webp" : "image/png",
        "content-length": String(stat.size),
        // A stored image never changes (a new render is a new image id).
        "cache-control": "private, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

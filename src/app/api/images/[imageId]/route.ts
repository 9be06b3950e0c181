import fs from "node:fs";
import { Readable } from "node:stream";
import { imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { imageFile } from "@/server/features/images/images";
import { errorResponse, requireUserId } from "@/server/http";

export const dynamic = "force-dynamic";

/** A generated image for members of its team; `?variant=thumbnail` for grids. */
export async function GET(request: Request, { params }: { params: Promise<{ imageId: string }> }) {
  try {
    const userId = await requireUserId(request);
    const variant = new URL(request.url).searchParams.get("variant") === "thumbnail" ? "thumbnail" : "original";
    const file = await imageFile(db(), imageStore(), userId, (await params).imageId, variant);
    const stat = await fs.promises.stat(file.path);
    return new Response(Readable.toWeb(fs.createReadStream(file.path)) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": file.contentType,
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

import { imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { imageFile } from "@/server/features/images/images";
import { errorResponse, requireUserId } from "@/server/http";
import { imageFileResponse } from "@/server/image-response";

export const dynamic = "force-dynamic";

/** A generated image for members of its team; `?variant=thumbnail` for grids. */
export async function GET(request: Request, { params }: { params: Promise<{ imageId: string }> }) {
  try {
    const userId = await requireUserId(request);
    const variant = new URL(request.url).searchParams.get("variant") === "thumbnail" ? "thumbnail" : "original";
    const { file, contentType } = await imageFile(db(), userId, (await params).imageId, variant);
    // A stored image never changes (a new render is a new image id).
    return await imageFileResponse(imageStore(), file, contentType, "private, max-age=31536000, immutable");
  } catch (error) {
    return errorResponse(error);
  }
}

import { handleUploadFile } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";
import { errorResponse, requireSession } from "@/server/http";

export const dynamic = "force-dynamic";

/** An uploaded picture (re-encoded) for members of its team; `?variant=thumbnail` for grids. */
export async function GET(request: Request, { params }: { params: Promise<{ uploadId: string }> }) {
  try {
    return await handleUploadFile(personaServices(), await requireSession(request), (await params).uploadId, request);
  } catch (error) {
    return errorResponse(error);
  }
}

import { imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { exportProject } from "@/server/features/story/project-export";
import { errorResponse, requireUserId } from "@/server/http";

export const dynamic = "force-dynamic";

/** The project's current images and manifest.json as a zip download, streamed. */
export async function GET(request: Request, { params }: { params: Promise<{ projectId: string }> }) {
  try {
    const userId = await requireUserId(request);
    const { fileName, stream } = await exportProject(db(), imageStore(), userId, (await params).projectId);
    return new Response(stream, {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

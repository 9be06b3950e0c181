import { imageStore } from "@/server/app-services";
import { db } from "@/server/db";
import { EXPORT_FORMATS, type ExportFormat } from "@/server/features/slides/exports/deck-export-data";
import { exportMemberDeck } from "@/server/features/slides/member-decks";
import { AppError } from "@/server/errors";
import { errorResponse, requireUserId } from "@/server/http";

export const dynamic = "force-dynamic";

/** The deck as PPTX, PDF or a zip of its images with manifest.json, for members of its team. */
export async function GET(request: Request, { params }: { params: Promise<{ deckId: string }> }) {
  try {
    const userId = await requireUserId(request);
    const format = new URL(request.url).searchParams.get("format") ?? "pptx";
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new AppError("BAD_REQUEST", `Unknown export format "${format}": use pptx, pdf or zip`);
    }
    const file = await exportMemberDeck({ db: db(), images: imageStore() }, userId, (await params).deckId, format as ExportFormat);
    return new Response(file.body as BodyInit, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}

import { handleCardExport } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";
import { errorResponse, requireSession } from "@/server/http";

export const dynamic = "force-dynamic";

/** The persona's character card, `?format=png|v2|v3` (png by default), for members of its team. */
export async function GET(request: Request, { params }: { params: Promise<{ personaId: string }> }) {
  try {
    return await handleCardExport(personaServices(), await requireSession(request), (await params).personaId, request);
  } catch (error) {
    return errorResponse(error);
  }
}

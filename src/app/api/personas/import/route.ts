import { handleCardImport } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";
import { errorResponse, requireSession } from "@/server/http";

export const dynamic = "force-dynamic";

/** A character card file (PNG or JSON, multipart field `file`, optional `teamId`) becomes a persona. */
export async function POST(request: Request) {
  try {
    return await handleCardImport(personaServices(), await requireSession(request), request);
  } catch (error) {
    return errorResponse(error);
  }
}

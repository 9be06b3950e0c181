import { handleUpload } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";
import { errorResponse, requireSession } from "@/server/http";

export const dynamic = "force-dynamic";

/** Pictures to make personas from (multipart: `files`, optional `teamId`); one result per file. */
export async function POST(request: Request) {
  try {
    return await handleUpload(personaServices(), await requireSession(request), request);
  } catch (error) {
    return errorResponse(error);
  }
}

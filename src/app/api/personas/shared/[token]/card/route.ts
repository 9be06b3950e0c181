import { handleSharedCard } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";

export const dynamic = "force-dynamic";

/** The character card of the persona behind a share link, `?format=png|v2|v3`. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  return handleSharedCard(personaServices(), (await params).token, request);
}

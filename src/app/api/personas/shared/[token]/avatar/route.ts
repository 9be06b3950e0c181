import { handleSharedAvatar } from "@/server/api/persona-routes";
import { personaServices } from "@/server/app-services";

export const dynamic = "force-dynamic";

/** The avatar of the persona behind a share link; 404 once the link is revoked or expired. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  return handleSharedAvatar(personaServices(), (await params).token, request);
}

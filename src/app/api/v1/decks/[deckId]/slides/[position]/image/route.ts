import { apiServices } from "@/server/app-services";
import { slideImageHandler } from "@/server/api/v1/decks";

export const dynamic = "force-dynamic";

/** A slide's image (?version=N, ?variant=thumbnail), for the same API key. */
export async function GET(request: Request, { params }: { params: Promise<{ deckId: string; position: string }> }) {
  return slideImageHandler(apiServices(), request, await params);
}

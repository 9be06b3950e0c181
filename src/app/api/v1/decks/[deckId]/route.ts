import { apiServices } from "@/server/app-services";
import { deckStatusHandler } from "@/server/api/v1/decks";

export const dynamic = "force-dynamic";

/** The deck's status and per-slide results with image URLs. */
export async function GET(request: Request, { params }: { params: Promise<{ deckId: string }> }) {
  return deckStatusHandler(apiServices(), request, await params);
}

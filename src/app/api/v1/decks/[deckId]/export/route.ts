import { apiServices } from "@/server/app-services";
import { exportHandler } from "@/server/api/v1/decks";

export const dynamic = "force-dynamic";

/** The deck as ?format=pptx|pdf|zip. */
export async function GET(request: Request, { params }: { params: Promise<{ deckId: string }> }) {
  return exportHandler(apiServices(), request, await params);
}

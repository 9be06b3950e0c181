import { apiServices } from "@/server/app-services";
import { deckEventsHandler } from "@/server/api/v1/events";

export const dynamic = "force-dynamic";

/** The deck's run events as Server-Sent Events, resumable with Last-Event-ID. */
export async function GET(request: Request, { params }: { params: Promise<{ deckId: string }> }) {
  return deckEventsHandler(apiServices(), request, await params);
}

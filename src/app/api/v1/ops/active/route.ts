import { apiServices } from "@/server/app-services";
import { activeHandler } from "@/server/api/v1/operations";

export const dynamic = "force-dynamic";

/** Decks and runs generating and waiting, workers in use, each budget's window and measurements. */
export const GET = (request: Request) => activeHandler(apiServices(), request);

import { apiServices } from "@/server/app-services";
import { createDeckHandler } from "@/server/api/v1/decks";

export const dynamic = "force-dynamic";

/** Creates a deck from a script's request and starts rendering it (202 + Location). */
export const POST = (request: Request) => createDeckHandler(apiServices(), request);

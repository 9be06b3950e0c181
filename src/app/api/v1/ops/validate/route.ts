import { apiServices } from "@/server/app-services";
import { validateHandler } from "@/server/api/v1/operations";

export const dynamic = "force-dynamic";

/** What a proposed { slides, max_workers } will meet. */
export const POST = (request: Request) => validateHandler(apiServices(), request);

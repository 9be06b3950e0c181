import { apiServices } from "@/server/app-services";
import { optimalWorkersHandler } from "@/server/api/v1/operations";

export const dynamic = "force-dynamic";

/** The useful number of workers for ?slides=N, from the engine's measurements. */
export const GET = (request: Request) => optimalWorkersHandler(apiServices(), request);

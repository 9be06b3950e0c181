import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/context";
import { appRunEventFeeds, serveRunEvents } from "@/server/api/run-event-stream";
import { appEngine } from "@/server/app-services";
import { AppError } from "@/server/errors";
import { bodyLimitFor, withBodyLimit } from "@/server/security/body-limits";

export const dynamic = "force-dynamic";

const trpc = (request: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createContext(request.headers),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });

// The body is read up to its limit before tRPC parses it: tRPC's fetch adapter has none.
async function handler(request: Request): Promise<Response> {
  let limited: Request;
  try {
    limited = await withBodyLimit(request, bodyLimitFor("/api/trpc/"));
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return Response.json({ error: { message: error.message, data: { code: error.code, httpStatus: 413 } } }, { status: 413 });
  }
  return trpc(limited);
}

/** A member following a run is served from the run's shared feed; every other request by tRPC. */
async function get(request: Request) {
  if (new URL(request.url).pathname.endsWith("/runs.events")) {
    const stream = await serveRunEvents(request, { context: createContext, engine: appEngine(), feeds: appRunEventFeeds() });
    if (stream) return stream;
  }
  return handler(request);
}

export { get as GET, handler as POST };

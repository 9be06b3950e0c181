import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContext } from "@/server/api/context";
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

export { handler as GET, handler as POST };

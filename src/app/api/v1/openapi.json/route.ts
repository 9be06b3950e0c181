import { openApiDocument } from "@/server/api/v1/openapi";

export const dynamic = "force-static";

/** The batch API's OpenAPI 3.1 document. */
export function GET() {
  return Response.json(openApiDocument());
}

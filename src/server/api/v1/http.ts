// The batch API's HTTP conventions: JSON bodies checked by zod schemas, and every error as
// `{ error: { code, message, details? } }` with a stable code and its HTTP status.
import { z } from "zod";
import { AppError, HTTP_STATUS, type AppErrorCode } from "@/server/errors";
import { readBodyLimited } from "@/server/security/body-limits";

/** Request bodies larger than this are refused before they are read. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function apiError(code: AppErrorCode, message: string, details?: Record<string, string>, headers: Record<string, string> = {}): Response {
  const extra: Record<string, string> = { ...headers };
  if (code === "UNAUTHORIZED") extra["www-authenticate"] = 'Bearer realm="storyforge"';
  if (code === "TOO_MANY_REQUESTS") extra["retry-after"] ??= "30";
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status: HTTP_STATUS[code], headers: { "cache-control": "no-store", ...extra } });
}

/** The first problem of each field of a validation error, by its path ("slides.3.title"). */
function fieldDetails(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "body";
    details[field] ??= issue.message;
  }
  return details;
}

export function apiErrorResponse(error: unknown): Response {
  if (error instanceof AppError) return apiError(error.code, error.message, error.field ? { [error.field]: error.message } : undefined);
  if (error instanceof z.ZodError) {
    const details = fieldDetails(error);
    return apiError("BAD_REQUEST", `Invalid request: ${Object.entries(details).map(([field, message]) => `${field}: ${message}`).join("; ")}`, details);
  }
  console.error("The batch API failed", error);
  return apiError("INTERNAL", "Something went wrong");
}

/** Runs a handler and answers its errors in the API's form. */
export async function answer(handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (error) {
    return apiErrorResponse(error);
  }
}

/** The request's JSON body, validated; BAD_REQUEST (with field details) or PAYLOAD_TOO_LARGE otherwise. */
export async function readJson<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  // Read up to the limit and no further, whether the length is declared or the body comes in chunks.
  const bytes = await readBodyLimited(request, MAX_BODY_BYTES).catch((error: unknown) => {
    throw error instanceof AppError ? new AppError("PAYLOAD_TOO_LARGE", `The body has at most ${MAX_BODY_BYTES / 1024 / 1024} MB`) : error;
  });
  const text = new TextDecoder().decode(bytes);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON");
  }
  return schema.parse(body);
}

/** The URL's query parameters, validated. */
export function readQuery<Schema extends z.ZodType>(request: Request, schema: Schema): z.output<Schema> {
  return schema.parse(Object.fromEntries(new URL(request.url).searchParams));
}

/** JSON validated against its documented schema on the way out, as tRPC does with output schemas. */
export function json(schema: z.ZodType, body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("cache-control", "no-store");
  return Response.json(schema.parse(body), { ...init, headers });
}

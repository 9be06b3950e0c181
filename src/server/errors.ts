// The one error type domain code throws. The tRPC error formatter (and route handlers) map
// its code to a transport status; domain code never knows about HTTP.
export const APP_ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  /** Signed in and allowed to see the thing, but not to change it (a team role too low). */
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "TOO_MANY_REQUESTS",
  "INTERNAL",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, { cause: options?.cause });
    this.name = "AppError";
    this.field = options?.field;
  }

  /** The form field the error is about, so the UI can show it next to that field. */
  readonly field?: string;
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
};

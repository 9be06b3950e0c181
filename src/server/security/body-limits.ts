// How large a request body may be, per path, and reading one without holding more than that.
// Route handlers have no limit of their own, and a body sent in chunks declares no length: each
// reader stops at its limit. The proxy refuses a declared length over the path's limit before
// anything is read, and Next.js buffers at most PROXY_BUFFER_BYTES of a body for the proxy
// (experimental.proxyClientMaxBodySize in next.config.mjs, kept equal to the largest limit here).
import { AppError } from "@/server/errors";

const MB = 1024 * 1024;

/** The largest body any route accepts: ten 10 MB pictures in one upload form, and its fields. */
export const PROXY_BUFFER_BYTES = 101 * MB;

/** Longest prefix wins. tRPC's largest inputs are a 2,000,000-character card and 200,000-character outlines. */
const LIMITS: ReadonlyArray<[prefix: string, bytes: number]> = [
  ["/api/personas/uploads", PROXY_BUFFER_BYTES],
  ["/api/personas/import", 11 * MB],
  ["/api/trpc/", 8 * MB],
  ["/api/v1/", 2 * MB],
  ["/api/auth/", 64 * 1024],
  ["/", 1 * MB],
];

export function bodyLimitFor(pathname: string): number {
  let best: [string, number] = ["", 1 * MB];
  for (const entry of LIMITS) if (pathname.startsWith(entry[0]) && entry[0].length > best[0].length) best = entry;
  return best[1];
}

export function tooLargeMessage(limit: number): string {
  return limit >= MB ? `The request is too large: at most ${Math.floor(limit / MB)} MB` : `The request is too large: at most ${Math.floor(limit / 1024)} KB`;
}

/** The body's bytes; PAYLOAD_TOO_LARGE as soon as it passes `limit`, declared or not. */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw new AppError("PAYLOAD_TOO_LARGE", tooLargeMessage(limit));
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new AppError("PAYLOAD_TOO_LARGE", tooLargeMessage(limit));
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The same request with its body read (up to `limit`) into memory, so it can be parsed safely. */
export async function withBodyLimit(request: Request, limit: number): Promise<Request> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const body = await readBodyLimited(request, limit);
  return new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
}

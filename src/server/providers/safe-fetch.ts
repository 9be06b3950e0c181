// Downloads an image a provider answered with as a URL instead of bytes. The URL comes from a
// remote answer, so it is treated as untrusted: only the configured provider's own host, only
// https (plain http only on loopback, for the fake provider), a size cap, a timeout, and an image
// content type. Anything else is refused instead of fetched (no server-side request forgery).
import { fromStatus, toProviderError } from "./provider-errors";
import { ProviderError, type ProviderName } from "./types";

export interface SafeFetchOptions {
  provider: ProviderName;
  /** The provider's configured base URL; the image URL must be on the same host. */
  baseUrl: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Refuses a URL that is not on the provider's host or not https (loopback http excepted). */
export function assertFetchableImageUrl(url: string, baseUrl: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused(`the image URL is not a valid URL`);
  }
  const allowed = new URL(baseUrl);
  if (parsed.host !== allowed.host) {
    throw refused(`the image URL's host ${parsed.host} is not the provider's host ${allowed.host}`);
  }
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw refused(`the image URL must use https`);
  }
  if (parsed.username || parsed.password) throw refused(`the image URL must not carry credentials`);
  return parsed;
}

/** Fetches an image from the provider's own host and returns its bytes. */
export async function fetchProviderImage(url: string, options: SafeFetchOptions): Promise<Buffer> {
  const target = assertFetchableImageUrl(url, options.baseUrl);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    // Redirects could leave the allowed host, so they are refused rather than followed.
    const response = await fetch(target, { signal, redirect: "error" });
    if (!response.ok) {
      await response.body?.cancel();
      throw fromStatus(response.status, response.headers, "while downloading the image", options.provider);
    }
    const contentType = response.headers.get("content-type") ?? "";
    if (!contentType.toLowerCase().startsWith("image/")) {
      await response.body?.cancel();
      throw refused(`the image URL answered ${contentType || "no content type"}, not an image`);
    }
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw refused(`the image is larger than ${maxBytes} bytes`);
    }
    return await readLimited(response, maxBytes);
  } catch (error) {
    // A user abort outranks the timeout: check the caller's signal first.
    if (options.signal?.aborted) {
      throw new ProviderError("Image download was aborted", { kind: "aborted", isRetryable: false, cause: error });
    }
    throw toProviderError(error, options.provider);
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw refused(`the image is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function refused(reason: string): ProviderError {
  return new ProviderError(`Refused to download a provider image: ${reason}`, {
    kind: "bad-request",
    isRetryable: false,
  });
}

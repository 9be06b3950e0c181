// Reads OpenAI's rate-limit headers, which OpenAI sends on every answer and several
// OpenAI-compatible providers copy: x-ratelimit-limit-requests, x-ratelimit-remaining-requests,
// x-ratelimit-reset-requests and the same three for tokens. The engine uses them to wait for a
// quota to refill instead of being refused.
import type { RateLimitQuota, RateLimitSnapshot } from "./types";

/** The rate-limit headers of an answer, or undefined when it has none (or none that read). */
export function readRateLimitHeaders(headers: Headers | undefined | null): RateLimitSnapshot | undefined {
  if (!headers) return undefined;
  const requests = readQuota(headers, "requests");
  const tokens = readQuota(headers, "tokens");
  if (!requests && !tokens) return undefined;
  return { ...(requests ? { requests } : {}), ...(tokens ? { tokens } : {}) };
}

function readQuota(headers: Headers, unit: "requests" | "tokens"): RateLimitQuota | undefined {
  const limit = count(headers.get(`x-ratelimit-limit-${unit}`));
  const remaining = count(headers.get(`x-ratelimit-remaining-${unit}`));
  const resetMs = parseResetDuration(headers.get(`x-ratelimit-reset-${unit}`));
  // A quota is only useful whole: without its reset time the remaining count says nothing about when.
  if (limit === undefined || remaining === undefined || resetMs === undefined) return undefined;
  return { limit, remaining: Math.min(remaining, limit), resetMs };
}

function count(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * A reset time as OpenAI writes it, in Go's duration format ("1s", "6m0s", "20ms", "1h2m3.5s"),
 * or a plain number of seconds; undefined when it is neither.
 */
export function parseResetDuration(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  let matched = 0;
  for (const part of text.matchAll(DURATION_PART)) {
    if (part.index !== matched) return undefined;
    total += Number(part[1]) * UNIT_MS[part[2]!]!;
    matched += part[0].length;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}

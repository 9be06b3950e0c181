// Throttles sign-in and sign-up in front of better-auth, per account (the email asked for) and per
// client address. better-auth's own limiter counts per address and path only, and with no address
// it can trust it shares one bucket among everyone; this one also stops guessing one account's
// password from many addresses, and answers with a Retry-After a person can read.
//
// Every attempt counts when it arrives (so a burst cannot slip past in parallel); a successful
// sign-in forgets its account's attempts. Accounts that exist and that do not are counted alike,
// so the answers say nothing about which emails have accounts.
import { AppError, HTTP_STATUS } from "@/server/errors";
import { bodyLimitFor, readBodyLimited } from "./body-limits";
import { clientAddress, CLIENT_ADDRESS_HEADER } from "./client-address";
import { createAttemptLimiter, type AttemptLimiter, type AttemptRule } from "./attempt-limiter";

export interface AuthThrottleRules {
  signInPerAccount: AttemptRule;
  signInPerAddress: AttemptRule;
  signUpPerAccount: AttemptRule;
  signUpPerAddress: AttemptRule;
}

const MINUTE = 60_000;

export function authThrottleRules(settings: {
  AUTH_SIGN_IN_ATTEMPTS_PER_ACCOUNT: number;
  AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS: number;
  AUTH_SIGN_UPS_PER_ADDRESS: number;
}): AuthThrottleRules {
  return {
    signInPerAccount: { max: settings.AUTH_SIGN_IN_ATTEMPTS_PER_ACCOUNT, windowMs: 15 * MINUTE },
    signInPerAddress: { max: settings.AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS, windowMs: 15 * MINUTE },
    signUpPerAccount: { max: 5, windowMs: 60 * MINUTE },
    signUpPerAddress: { max: settings.AUTH_SIGN_UPS_PER_ADDRESS, windowMs: 60 * MINUTE },
  };
}

/** Sign-in and sign-up bodies are a few hundred bytes; anything far larger is not one. */
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;

type AuthHandler = (request: Request) => Promise<Response>;

export function createAuthThrottle(rules: AuthThrottleRules, limiter: AttemptLimiter = createAttemptLimiter()) {
  return async function throttle(request: Request, next: AuthHandler): Promise<Response> {
    const address = clientAddress(request.headers);
    const headers = new Headers(request.headers);
    // better-auth's own limiter reads the settled address from here (advanced.ipAddress).
    headers.delete(CLIENT_ADDRESS_HEADER);
    if (address) headers.set(CLIENT_ADDRESS_HEADER, address);

    const action = request.method === "POST" ? actionOf(new URL(request.url).pathname) : null;
    let body: Uint8Array<ArrayBuffer> | null = null;
    try {
      if (request.method !== "GET" && request.method !== "HEAD") body = await readBodyLimited(request, action ? MAX_SIGN_IN_BODY_BYTES : bodyLimitFor("/api/auth/"));
    } catch (error) {
      if (error instanceof AppError) return Response.json({ code: error.code, message: error.message }, { status: HTTP_STATUS[error.code] });
      throw error;
    }
    if (!action || !body) return next(rebuilt(request, headers, body));
    const email = emailOf(body, request.headers.get("content-type"));
    const rulesOf = action === "sign-in" ? ([rules.signInPerAddress, rules.signInPerAccount] as const) : ([rules.signUpPerAddress, rules.signUpPerAccount] as const);

    const byAddress = limiter.consume(`${action}|address|${address ?? "unknown"}`, rulesOf[0]);
    if (!byAddress.allowed) return tooMany(action, "address", byAddress.retryAfterMs);
    const accountKey = email ? `${action}|account|${email}` : null;
    if (accountKey) {
      const byAccount = limiter.consume(accountKey, rulesOf[1]);
      if (!byAccount.allowed) return tooMany(action, "account", byAccount.retryAfterMs);
    }
    const response = await next(rebuilt(request, headers, body));
    if (action === "sign-in" && response.ok && accountKey) limiter.reset(accountKey);
    return response;
  };
}

function actionOf(pathname: string): "sign-in" | "sign-up" | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname).toLowerCase().replace(/\/+$/, "");
  } catch {
    return null;
  }
  if (path.endsWith("/sign-in/email")) return "sign-in";
  if (path.endsWith("/sign-up/email")) return "sign-up";
  return null;
}

function rebuilt(request: Request, headers: Headers, body: Uint8Array<ArrayBuffer> | null): Request {
  return new Request(request.url, { method: request.method, headers, body, signal: request.signal });
}

/** The email a sign-in or sign-up asks for (JSON or a form), trimmed and lower-cased. */
function emailOf(body: Uint8Array, contentType: string | null): string | null {
  const text = new TextDecoder().decode(body);
  let email: unknown;
  try {
    email = (contentType ?? "").includes("application/x-www-form-urlencoded") ? new URLSearchParams(text).get("email") : (JSON.parse(text) as { email?: unknown })?.email;
  } catch {
    return null;
  }
  return typeof email === "string" && email.trim() ? email.trim().toLowerCase().slice(0, 320) : null;
}

function tooMany(action: "sign-in" | "sign-up", by: "account" | "address", retryAfterMs: number): Response {
  const seconds = Math.ceil(retryAfterMs / 1000);
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  const message =
    action === "sign-in"
      ? by === "account"
        ? `Too many sign-in attempts for this account. Try again in ${wait}.`
        : `Too many sign-in attempts from your network. Try again in ${wait}.`
      : by === "account"
        ? `Too many sign-ups with this email. Try again in ${wait}.`
        : `Too many accounts created from your network. Try again in ${wait}.`;
  return Response.json({ code: "TOO_MANY_REQUESTS", message }, { status: 429, headers: { "retry-after": String(seconds) } });
}

const globalForThrottle = globalThis as unknown as { storyforgeAuthThrottle?: ReturnType<typeof createAuthThrottle> };

/** The process's throttle (one limiter, kept across Next.js dev reloads). */
export function appAuthThrottle(rules: () => AuthThrottleRules) {
  globalForThrottle.storyforgeAuthThrottle ??= createAuthThrottle(rules());
  return globalForThrottle.storyforgeAuthThrottle;
}

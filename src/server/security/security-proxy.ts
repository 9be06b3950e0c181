// What the proxy (src/proxy.ts) does to every request before a page or route sees it: settles the
// client address, refuses cross-origin requests that would change something and bodies that
// declare more than their path accepts, and gives pages a
// Content-Security-Policy with a fresh nonce (which Next.js reads from the request to mark its own
// scripts) and API answers a policy that allows nothing. Kept apart from src/proxy.ts so tests can
// call it with any settings.
import { NextResponse, type NextRequest } from "next/server";
import { appOrigin, env } from "@/server/env";
import { bodyLimitFor, tooLargeMessage } from "./body-limits";
import { settleClientAddress } from "./client-address";
import { appOrigins, crossOriginRefusal } from "./same-origin";
import { API_POLICY, createNonce, pagePolicy } from "./security-headers";

export interface ProxySettings {
  /** Origins whose pages may send requests that change something. */
  allowedOrigins: readonly string[];
  trustedProxyHops: number;
  development: boolean;
  https: boolean;
}

export function proxySettingsFromEnv(): ProxySettings {
  const settings = env();
  const origin = appOrigin(settings);
  return {
    allowedOrigins: appOrigins(origin),
    trustedProxyHops: settings.TRUSTED_PROXY,
    development: process.env.NODE_ENV === "development",
    https: origin.startsWith("https:"),
  };
}

export function securityProxy(request: NextRequest, settings: ProxySettings): NextResponse {
  const api = request.nextUrl.pathname === "/api" || request.nextUrl.pathname.startsWith("/api/");
  const refusal = crossOriginRefusal(request.method, request.headers, settings.allowedOrigins);
  if (refusal) {
    return NextResponse.json(
      { error: `Refused: ${refusal}. Changes are accepted from Storyforge's own pages only.` },
      { status: 403, headers: { "content-security-policy": API_POLICY, "cache-control": "no-store" } },
    );
  }

  const limit = bodyLimitFor(request.nextUrl.pathname);
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) {
    return NextResponse.json({ error: tooLargeMessage(limit) }, { status: 413, headers: { "content-security-policy": API_POLICY, "cache-control": "no-store", connection: "close" } });
  }

  const headers = new Headers(request.headers);
  settleClientAddress(headers, settings.trustedProxyHops);
  if (api) {
    const response = NextResponse.next({ request: { headers } });
    response.headers.set("content-security-policy", API_POLICY);
    return response;
  }
  const nonce = createNonce();
  const policy = pagePolicy({ nonce, development: settings.development, https: settings.https });
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  // Pages are rendered per request for their nonce and may show a signed-in person's data.
  response.headers.set("cache-control", "private, no-store");
  return response;
}

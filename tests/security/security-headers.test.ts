// The headers every answer carries and what the proxy does before any page or route runs: a
// Content-Security-Policy with a fresh nonce per page (and the same policy handed to Next.js in the
// request, which is how it learns the nonce for its own scripts), a policy that allows nothing on
// API answers, no caching of pages, framing refused, the client address settled (a client's own
// X-Forwarded-For ignored unless a trusted proxy is configured), and cross-origin changes refused.
// tests/e2e/security.spec.ts checks the same against the built app in chromium.
import { NextRequest } from "next/server";
import { describe, expect, test } from "vitest";
import nextConfig from "../../next.config.mjs";
import { config as proxyConfig } from "@/proxy";
import { clientAddress, CLIENT_ADDRESS_HEADER, normalizeAddress, settleClientAddress } from "@/server/security/client-address";
import { crossOriginRefusal } from "@/server/security/same-origin";
import { API_POLICY, pagePolicy } from "@/server/security/security-headers";
import { securityProxy, type ProxySettings } from "@/server/security/security-proxy";

const ORIGIN = "http://127.0.0.1:3000";
const settings: ProxySettings = { allowedOrigins: [ORIGIN, "http://localhost:3000"], trustedProxyHops: 0, development: false, https: false };

const request = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  new NextRequest(`${ORIGIN}${path}`, { method: init.method ?? "GET", headers: init.headers });

/** The request headers the proxy hands on to Next.js (its override mechanism). */
function forwardedHeaders(response: Response): Record<string, string | null> {
  const names = (response.headers.get("x-middleware-override-headers") ?? "").split(",").filter(Boolean);
  return Object.fromEntries(names.map((name) => [name, response.headers.get(`x-middleware-request-${name}`)]));
}

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe("pages", () => {
  test("get a Content-Security-Policy whose scripts need this request's nonce, and Next.js is handed the same policy", () => {
    const response = securityProxy(request("/dashboard"), settings);
    const policy = response.headers.get("content-security-policy")!;
    const scripts = directives(policy).get("script-src")!;
    const nonce = /'nonce-([A-Za-z0-9+/=]{22,})'/.exec(policy)?.[1];
    expect(nonce).toBeDefined();
    expect(scripts).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(policy).not.toMatch(/unsafe-eval/);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(directives(policy).get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives(policy).get("object-src")).toEqual(["'none'"]);
    expect(directives(policy).get("base-uri")).toEqual(["'self'"]);
    const forwarded = forwardedHeaders(response);
    expect(forwarded["content-security-policy"]).toBe(policy);
    expect(forwarded["x-nonce"]).toBe(nonce);
  });

  test("get a different nonce on every request", () => {
    const nonces = new Set(Array.from({ length: 50 }, () => securityProxy(request("/sign-in"), settings).headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1]));
    expect(nonces.size).toBe(50);
  });

  test("are never stored by a browser or a proxy cache", () => {
    expect(securityProxy(request("/projects/abc"), settings).headers.get("cache-control")).toBe("private, no-store");
  });

  test("allow eval in development only, and ask for https upgrades when served over https", () => {
    expect(pagePolicy({ nonce: "n", development: true, https: false })).toMatch(/script-src [^;]*'unsafe-eval'/);
    expect(pagePolicy({ nonce: "n", development: false, https: true })).toMatch(/upgrade-insecure-requests/);
    expect(pagePolicy({ nonce: "n", development: false, https: false })).not.toMatch(/upgrade-insecure-requests/);
  });
});

describe("API answers", () => {
  test("get a policy that allows nothing, and no nonce", () => {
    const response = securityProxy(request("/api/images/x"), settings);
    expect(response.headers.get("content-security-policy")).toBe(API_POLICY);
    expect(forwardedHeaders(response)["x-nonce"]).toBeUndefined();
    expect(directives(API_POLICY).get("default-src")).toEqual(["'none'"]);
  });
});

describe("every response", () => {
  test("refuses framing, sniffing and telling other sites the path (next.config.mjs, for every path)", async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toHaveLength(1);
    expect(rules[0]!.source).toBe("/:path*");
    expect(Object.fromEntries(rules[0]!.headers.map((header) => [header.key, header.value]))).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
    });
  });

  test("goes through the proxy except the build's static files", () => {
    const [matcher] = proxyConfig.matcher;
    const pattern = new RegExp(`^${matcher!.replace("/((?!", "/(?!").replace(").*)", ").*")}$`);
    for (const path of ["/", "/sign-in", "/api/auth/sign-in/email", "/api/trpc/story.get", "/icon.svg", "/invite/x"]) expect(pattern.test(path), path).toBe(true);
    for (const path of ["/_next/static/chunks/main.js", "/_next/image"]) expect(pattern.test(path), path).toBe(false);
  });
});

describe("the client address", () => {
  const settled = (headers: Record<string, string>, hops: number) => {
    const result = new Headers(headers);
    settleClientAddress(result, hops);
    return result;
  };

  test("ignores every address header a client wrote when no proxy is trusted", () => {
    const headers = settled({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.9", forwarded: "for=203.0.113.9", [CLIENT_ADDRESS_HEADER]: "203.0.113.9" }, 0);
    for (const name of ["x-forwarded-for", "x-real-ip", "forwarded", CLIENT_ADDRESS_HEADER]) expect(headers.has(name), name).toBe(false);
    // Next.js then writes the connection's own address into X-Forwarded-For.
    headers.set("x-forwarded-for", "::ffff:127.0.0.2");
    expect(clientAddress(headers)).toBe("127.0.0.2");
  });

  test("the proxy hands no client-written address on to the routes", () => {
    const response = securityProxy(request("/api/auth/sign-in/email", { method: "POST", headers: { "x-forwarded-for": "203.0.113.9", [CLIENT_ADDRESS_HEADER]: "203.0.113.9" } }), settings);
    const forwarded = forwardedHeaders(response);
    expect(forwarded["x-forwarded-for"]).toBeUndefined();
    expect(forwarded[CLIENT_ADDRESS_HEADER]).toBeUndefined();
  });

  test("behind trusted proxies, is the entry that many hops from the right; what the client prepended is ignored", () => {
    expect(clientAddress(settled({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }, 1))).toBe("203.0.113.9");
    expect(clientAddress(settled({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.2" }, 2))).toBe("203.0.113.9");
    expect(clientAddress(settled({ "x-forwarded-for": "203.0.113.9" }, 2))).toBe("203.0.113.9");
    expect(clientAddress(settled({ "x-forwarded-for": "not-an-address", [CLIENT_ADDRESS_HEADER]: "6.6.6.6" }, 1))).toBeNull();
    const response = securityProxy(request("/api/auth/sign-in/email", { method: "POST", headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.9" } }), { ...settings, trustedProxyHops: 1 });
    expect(forwardedHeaders(response)[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
  });

  test("counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4", () => {
    expect(normalizeAddress("2001:db8:1:2:3:4:5:6")).toBe("2001:0db8:0001:0002::/64");
    expect(normalizeAddress("2001:db8:1:2::9")).toBe("2001:0db8:0001:0002::/64");
    expect(normalizeAddress("[::ffff:198.51.100.4]")).toBe("198.51.100.4");
    expect(normalizeAddress("::ffff:c633:6404")).toBe("198.51.100.4");
    expect(normalizeAddress("unknown")).toBeNull();
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }))).toBeNull();
  });
});

describe("cross-origin requests", () => {
  test.each([
    ["a POST from another site's page", "POST", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
    ["a POST with another site's Origin and no fetch metadata", "POST", { origin: "https://evil.example" }],
    ["a POST from a sibling origin of the same site", "POST", { origin: "http://127.0.0.1:4000", "sec-fetch-site": "same-site" }],
    ["a POST from a sandboxed frame (Origin: null)", "POST", { origin: "null" }],
    ["a PUT from another site", "PUT", { "sec-fetch-site": "cross-site" }],
    ["a DELETE from another site", "DELETE", { origin: "https://evil.example" }],
  ])("refuses %s with 403 before any route runs", async (_what, method, headers) => {
    for (const path of ["/api/trpc/story.create", "/api/auth/sign-in/email", "/api/personas/uploads", "/dashboard"]) {
      const response = securityProxy(request(path, { method, headers }), settings);
      expect(response.status, path).toBe(403);
      expect(response.headers.get("x-middleware-next"), path).toBeNull();
      expect(((await response.json()) as { error: string }).error).toMatch(/^Refused: .*Storyforge's own pages only/);
    }
  });

  test.each([
    ["a POST from the app's own page", "POST", { origin: ORIGIN, "sec-fetch-site": "same-origin" }],
    ["a POST from the other spelling of the loopback origin", "POST", { origin: "http://localhost:3000" }],
    ["a script with no browser headers", "POST", {}],
    ["a navigation typed in the address bar", "POST", { "sec-fetch-site": "none" }],
    ["a GET from another site (reads change nothing)", "GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
  ])("lets %s through", (_what, method, headers) => {
    expect(crossOriginRefusal(method, new Headers(headers), settings.allowedOrigins)).toBeNull();
    expect(securityProxy(request("/api/trpc/story.create", { method, headers }), settings).headers.get("x-middleware-next")).toBe("1");
  });
});

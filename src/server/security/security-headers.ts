// Content-Security-Policies, set by the proxy (src/proxy.ts); the headers that are the same on
// every response are set for every path in next.config.mjs. A page's policy carries a fresh nonce
// per request, which Next.js reads from the request to put on its own scripts. Pages allow no
// script but those: no inline script, no eval outside development, nothing from another origin.

export interface PagePolicyOptions {
  nonce: string;
  /** Development needs eval (React's error overlays) and inline styles (Next's dev tools). */
  development: boolean;
  /** Served over https: ask browsers to upgrade any http sub-request. */
  https: boolean;
}

/** The Content-Security-Policy of a page, allowing the scripts and styles that carry `nonce`. */
export function pagePolicy({ nonce, development, https }: PagePolicyOptions): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced Next.js scripts load (its chunks) may run; nothing else.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // React renders style attributes (a progress bar's width); an attribute cannot run script.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Route handlers answer data, never a document: nothing in one may load or run anything. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A fresh nonce: 128 random bits, base64. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

import fs from "node:fs";
import path from "node:path";

/**
 * Turbopack resolves only inside its root. A checkout whose node_modules is a link to another
 * checkout's (git worktrees sharing one install) needs the root to hold both; for an ordinary
 * checkout this is the project folder itself, Turbopack's default.
 */
function turbopackRoot() {
  const project = import.meta.dirname;
  const modules = fs.realpathSync(path.join(project, "node_modules"));
  let root = project;
  while (path.relative(root, modules).startsWith("..")) root = path.dirname(root);
  return root;
}

// Headers that are the same on every response (pages, routes and static files alike). The
// Content-Security-Policy carries a fresh nonce per page and is set by src/proxy.ts.
const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Invitation and share links carry secrets in their path: never tell another site the path.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer Server-Sent Events; run events must reach the browser as they happen.
  compress: false,
  turbopack: { root: turbopackRoot() },
  experimental: {
    // Next.js buffers a request's body for the proxy and cuts it silently at this size: keep it at
    // the largest body a route accepts (PROXY_BUFFER_BYTES in src/server/security/body-limits.ts).
    proxyClientMaxBodySize: 101 * 1024 * 1024,
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;

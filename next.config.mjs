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

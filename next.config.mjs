/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer Server-Sent Events; run events must reach the browser as they happen.
  compress: false,
  // Keeps `next dev` and `next build` from writing to the same folder when both run at once.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer Server-Sent Events; run events must reach the browser as they happen.
  compress: false,
};

export default nextConfig;

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

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Compression would buffer Server-Sent Events; run events must reach the browser as they happen.
  compress: false,
  turbopack: { root: turbopackRoot() },
};

export default nextConfig;

// Next.js runs this before every request except its own static files: security headers, the
// settled client address and the cross-origin check (src/server/security/security-proxy.ts).
import type { NextRequest } from "next/server";
import { proxySettingsFromEnv, securityProxy } from "@/server/security/security-proxy";

export function proxy(request: NextRequest) {
  return securityProxy(request, proxySettingsFromEnv());
}

export const config = {
  // Everything but the build's static files: an address header or a cross-origin POST must not
  // slip past by asking for a path the matcher leaves out.
  matcher: ["/((?!_next/static|_next/image).*)"],
};

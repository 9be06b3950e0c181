// Refuses requests that change something when a browser sends them from another site. Session
// cookies go with such requests (a form on another site can POST here), so the proxy refuses
// them before any route runs. Browsers say where a request comes from (Sec-Fetch-Site on every
// current browser, Origin on every cross-origin POST); scripts and API clients send neither, and
// carry no victim's cookies.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why the request must be refused as cross-origin, or null when it may go on. */
export function crossOriginRefusal(method: string, headers: Headers, allowedOrigins: readonly string[]): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `the browser sent it from ${site === "cross-site" ? "another site" : "another origin"}`;
  const origin = headers.get("origin");
  if (origin !== null && !allowedOrigins.includes(origin)) return `it comes from ${origin === "null" ? "an opaque origin" : origin}`;
  return null;
}

/** The app's origin and, on loopback, the same server's other spelling (127.0.0.1 ↔ localhost). */
export function appOrigins(baseURL: string): string[] {
  const origin = new URL(baseURL);
  const alternateHost = origin.hostname === "127.0.0.1" ? "localhost" : origin.hostname === "localhost" ? "127.0.0.1" : null;
  const origins = [origin.origin];
  if (alternateHost) origins.push(`${origin.protocol}//${alternateHost}${origin.port ? `:${origin.port}` : ""}`);
  return origins;
}

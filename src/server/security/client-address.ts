// Which address a request comes from, for throttling. An address header is only as good as whoever
// wrote it: a client can send any X-Forwarded-For it likes. So the proxy (src/proxy.ts) settles it
// before any route runs:
// - with no trusted proxy in front (TRUSTED_PROXY unset), it drops every address header the client
//   sent, and Next.js then fills X-Forwarded-For from the connection's own address;
// - behind TRUSTED_PROXY hops, the client is the entry that many places from the right of the
//   X-Forwarded-For the proxies built (entries further left were written by the client).
import net from "node:net";

/** Set by the proxy alone (any value a client sends is removed): the settled client address. */
export const CLIENT_ADDRESS_HEADER = "x-storyforge-client-address";

const CLIENT_WRITTEN_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded", CLIENT_ADDRESS_HEADER];

/** Settles the client address in a request's headers (the proxy's part; see above). */
export function settleClientAddress(headers: Headers, trustedProxyHops: number): void {
  if (trustedProxyHops > 0) {
    const hops = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const address = normalizeAddress(hops[Math.max(0, hops.length - trustedProxyHops)] ?? "");
    headers.delete(CLIENT_ADDRESS_HEADER);
    if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
    return;
  }
  for (const name of CLIENT_WRITTEN_HEADERS) headers.delete(name);
}

/** The client address of a request the proxy has settled; null when it cannot be told. */
export function clientAddress(headers: Headers): string | null {
  const settled = headers.get(CLIENT_ADDRESS_HEADER);
  if (settled) return normalizeAddress(settled);
  // Set by Next.js from the connection when the proxy removed the client's own.
  const forwarded = headers.get("x-forwarded-for") ?? "";
  return forwarded.includes(",") ? null : normalizeAddress(forwarded.trim());
}

/**
 * An IPv4 address as is (also when written as IPv4-mapped IPv6), an IPv6 address as its /64
 * network: one subscriber usually holds a whole /64, so counting single IPv6 addresses would let
 * one client try from billions. Null for anything that is not an address.
 */
export function normalizeAddress(value: string): string | null {
  const address = value.replace(/^\[|\]$/g, "");
  if (net.isIPv4(address)) return address;
  if (!net.isIPv6(address)) return null;
  const groups = expandIPv6(address);
  const mapped = /^0{4}:0{4}:0{4}:0{4}:0{4}:ffff$/.test(groups.slice(0, 6).join(":"));
  if (mapped) {
    const [high, low] = [Number.parseInt(groups[6]!, 16), Number.parseInt(groups[7]!, 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  return `${groups.slice(0, 4).join(":")}::/64`;
}

function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 part becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.includes("::") ? text.split("::") : [text, undefined];
  const head = left ? left.split(":") : [];
  const tail = right ? right.split(":") : [];
  const middle = right === undefined ? [] : Array.from({ length: 8 - head.length - tail.length }, () => "0");
  return [...head, ...middle, ...tail].map((group) => group.padStart(4, "0"));
}

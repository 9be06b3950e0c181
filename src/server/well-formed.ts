// Strings with lone UTF-16 surrogates ("\uD800" alone, half of an emoji cut in two) are valid in
// JavaScript and in JSON text, but Prisma's query engine refuses them with a JSON error, and a
// request that carries one would fail with a 500. Every query's arguments pass through here (see
// db.ts): each lone surrogate becomes U+FFFD, as a browser's TextEncoder would make it.

export function wellFormed<T>(value: T): T {
  if (typeof value === "string") return (value.isWellFormed() ? value : value.toWellFormed()) as T;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const next = wellFormed(item);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? items : value) as T;
  }
  // Dates, buffers, decimals and the like are left alone: only plain objects hold strings to fix.
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const next = wellFormed(item);
    if (next !== item) changed = true;
    return [key, next] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}

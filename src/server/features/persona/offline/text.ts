// Small text helpers for the offline persona writer, whose fields the stage schemas cap in length.

/** Cut at a word boundary when one is near the end, marked with an ellipsis. */
export function limit(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

export const capitalise = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

/** "a, b and c". */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Picks deterministically from a list with a seeded random source. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length) % items.length]!;
}

/** A few distinct items in seeded order. */
export function pickSome<T>(random: () => number, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (pool.length && chosen.length < count) chosen.push(pool.splice(Math.floor(random() * pool.length) % pool.length, 1)[0]!);
  return chosen;
}

/** "#FreeDiving" from "free diving". */
export function hashtag(text: string): string {
  const words = text.replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/).filter(Boolean);
  return `#${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("").slice(0, 38) || "Life"}`;
}

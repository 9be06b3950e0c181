// Shortening for the analysis's text fields, which the story schemas cap in length.

/** Cut at a word boundary when one is near the end, marked with an ellipsis. */
export function limit(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

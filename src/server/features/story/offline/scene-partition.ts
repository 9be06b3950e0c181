// Cuts a story's sentences into the requested number of scenes.
import type { Sentence } from "./sentences";

/** Contiguous groups of sentences, `count` of them, balanced by words and cut at paragraphs when possible. */
export function partition(sentences: Sentence[], count: number): Sentence[][] {
  const paragraphs: Sentence[][] = [];
  for (const sentence of sentences) {
    const last = paragraphs[paragraphs.length - 1];
    if (last && last[0]!.paragraph === sentence.paragraph) last.push(sentence);
    else paragraphs.push([sentence]);
  }
  if (count <= paragraphs.length) return balance(paragraphs, count).map((group) => group.flat());
  if (count <= sentences.length) return balance(sentences.map((sentence) => [sentence]), count).map((group) => group.flat());
  // More scenes than sentences: split the longest groups at their middle word until there are enough.
  const groups: Sentence[][] = sentences.map((sentence) => [sentence]);
  while (groups.length < count) {
    let longest = 0;
    groups.forEach((group, index) => {
      if (group[0]!.words > groups[longest]![0]!.words) longest = index;
    });
    const sentence = groups[longest]![0]!;
    const middle = Math.max(1, Math.floor(sentence.tokens.length / 2));
    const halves = [sentence.tokens.slice(0, middle), sentence.tokens.slice(middle)].map((tokens, part) => ({
      ...sentence,
      tokens: tokens.length > 0 ? tokens : sentence.tokens,
      text: (tokens.length > 0 ? tokens : sentence.tokens).map((token) => `${token.pre}${token.text}${token.post}`).join("").trim() + (part === 0 ? "…" : ""),
      words: Math.max(1, tokens.length),
    }));
    groups.splice(longest, 1, [halves[0]!], [halves[1]!]);
  }
  return groups;
}

function balance<T extends Sentence[]>(units: T[], count: number): T[][] {
  const weights = units.map((unit) => unit.reduce((total, sentence) => total + sentence.words, 0));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const groups: T[][] = [];
  let unit = 0;
  let consumed = 0;
  for (let group = 0; group < count; group += 1) {
    const target = (total * (group + 1)) / count;
    const current: T[] = [];
    const remainingGroups = count - group - 1;
    while (unit < units.length - remainingGroups) {
      const weight = weights[unit]!;
      // Stop before a unit that overshoots the target by more than it would undershoot without it.
      if (current.length > 0 && consumed + weight - target > target - consumed) break;
      current.push(units[unit]!);
      consumed += weight;
      unit += 1;
      if (consumed >= target) break;
    }
    groups.push(current);
  }
  while (unit < units.length) {
    groups[groups.length - 1]!.push(units[unit]!);
    unit += 1;
  }
  return groups;
}

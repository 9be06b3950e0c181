// A character's description and visual traits, taken from the sentences around their mentions
// ("a tall woman with a grey wool coat"), or invented from their name when the story says nothing.
import { hashString } from "@/server/providers/seeded-random";
import type { Character } from "../schemas";
import type { FoundCharacter } from "./character-names";
import { breaksAfter, type Sentence, type Token } from "./sentences";
import { limit } from "./text";
import { BODY_AND_CLOTHING, BUILD_NOUNS, DEFAULT_BUILD, DEFAULT_CLOTHES, DEFAULT_HAIR, DISTINCT_ON_THEIR_OWN, MODIFIER_WORDS, NAMING_WORDS } from "./word-lists";

/** The character list's entry for one found character: name, description and visual traits. */
export function describeCharacter(character: FoundCharacter, all: FoundCharacter[], sentences: Sentence[]): Character {
  const others = all.filter((other) => other !== character);
  const mentionsOther = (sentence: Sentence) => others.some((other) => other.occurrences.some((occurrence) => occurrence.sentence === sentence.index));
  const windows: Token[][] = [];
  // The first mention plus the sentences that describe their looks, in reading order.
  const described = new Set<number>();
  const describe = (sentence: Sentence) => described.add(sentence.index);
  for (const occurrence of character.occurrences) {
    const sentence = sentences[occurrence.sentence]!;
    if (occurrence === character.occurrences[0]) describe(sentence);
    windows.push(mentionsOther(sentence) ? sentence.tokens.slice(Math.max(0, occurrence.start - 6), occurrence.end + 10) : sentence.tokens);

    // "Maren Holt rowed out… She was a tall woman with a grey wool coat": the next sentence goes on
    // about the subject when it opens with a pronoun.
    const next = sentences[occurrence.sentence + 1];
    const isSubject = occurrence.start <= 1 || sentence.tokens[occurrence.end]?.tags.has("Verb") === true;
    if (next && next.paragraph === sentence.paragraph && isSubject && next.tokens[0]?.tags.has("Pronoun") && !mentionsOther(next)) {
      windows.push(next.tokens);
      if (extractTraits(next.tokens).length > 0) describe(next);
    }
    // "A boy with freckles… His name was Pip Calloway": a sentence or two before introduced them.
    const before = sentence.tokens[occurrence.start - 1]?.normal;
    const named = before !== undefined && (NAMING_WORDS.has(before) || ((before === "was" || before === "is") && sentence.tokens[occurrence.start - 2]?.normal === "name"));
    for (let back = 1; named && back <= 2; back += 1) {
      const previous = sentences[occurrence.sentence - back];
      if (!previous || previous.paragraph !== sentence.paragraph || mentionsOther(previous)) break;
      windows.push(previous.tokens);
      if (extractTraits(previous.tokens).length > 0) describe(previous);
    }
  }
  const descriptionSentences = [...described]
    .sort((left, right) => left - right)
    .slice(0, 2)
    .map((index) => sentences[index]!.text);
  const found = unique(windows.flatMap(extractTraits));
  // "yellow jacket" adds nothing next to "yellow oilskin jacket".
  let traits = found
    .filter((trait) => !found.some((other) => other !== trait && other.length > trait.length && containsAll(other, trait)))
    .slice(0, 6);
  if (traits.length === 0) traits = defaultTraits(character.name);
  return {
    name: character.name,
    description: limit(descriptionSentences.join(" ") || `${character.name}, a character in the story.`, 600),
    visualTraits: traits.map((trait) => limit(trait, 120)),
  };
}

function extractTraits(tokens: Token[]): string[] {
  const traits: string[] = [];
  tokens.forEach((token, index) => {
    const noun = token.normal.replace(/[^a-z]/g, "");
    const isAppearance = BODY_AND_CLOTHING.has(noun);
    const isBuild = BUILD_NOUNS.has(noun);
    if (!isAppearance && !isBuild) return;
    const modifiers: Token[] = [];
    for (let back = index - 1; back >= 0 && modifiers.length < 3; back -= 1) {
      const candidate = tokens[back]!;
      if (breaksAfter(candidate) && !candidate.post.includes("-")) break;
      const word = candidate.normal.replace(/[^a-z-]/g, "");
      const modifier = MODIFIER_WORDS.has(word) || (candidate.tags.has("Adjective") && !candidate.tags.has("Determiner")) || candidate.tags.has("Hyphenated");
      if (!modifier || candidate.tags.has("Possessive") || candidate.tags.has("Pronoun")) break;
      modifiers.unshift(candidate);
    }
    if (modifiers.length === 0 && !(isAppearance && DISTINCT_ON_THEIR_OWN.has(noun))) return;
    const phrase = [...modifiers, token]
      .map((part, position, parts) => `${part.text.toLowerCase()}${position < parts.length - 1 ? (part.post.includes("-") ? "-" : " ") : ""}`)
      .join("");
    traits.push(phrase);
  });
  return traits;
}

function defaultTraits(name: string): string[] {
  // Invented, but stable per name: a character without a description still looks the same in every scene.
  const hash = hashString(name);
  return [DEFAULT_BUILD[hash % DEFAULT_BUILD.length]!, DEFAULT_HAIR[(hash >>> 3) % DEFAULT_HAIR.length]!, DEFAULT_CLOTHES[(hash >>> 7) % DEFAULT_CLOTHES.length]!];
}

function containsAll(longer: string, shorter: string): boolean {
  const words = new Set(longer.split(/[\s-]+/));
  const shorterWords = shorter.split(/[\s-]+/);
  return shorterWords[shorterWords.length - 1] === [...words].pop() && shorterWords.every((word) => words.has(word));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

// Reads what a description says about a persona: the name, age, pronouns, occupation, place,
// traits, interests and looks it gives, with the compromise NLP library and a few patterns. What it
// does not say stays undefined, for the core writer to invent.
import nlp from "compromise";
import { hashString } from "@/server/providers/seeded-random";
import { limit } from "./text";
import {
  APPEARANCE_NOUNS,
  COLOUR_WORDS,
  INTEREST_TRIGGERS,
  OCCUPATION_ENDINGS,
  OCCUPATIONS,
  PERSONALITY_TRAITS,
  WORD_AGES,
  type Leaning,
} from "./word-lists";

export type Pronouns = "she/her" | "he/him" | "they/them";

/** What the offline writer knows about a persona before inventing the rest. */
export interface PersonaFacts {
  /** Seeds every invented detail, so the same source always gives the same persona. */
  seed: number;
  name?: string;
  age?: number;
  pronouns?: Pronouns;
  occupation?: string;
  location?: string;
  traits: string[];
  interests: string[];
  /** Phrases about their looks ("red scarf", "curly black hair"). */
  appearance: string[];
  /** Colour names, most present first (from a picture, or colour words in a description). */
  palette: string[];
  leaning: Leaning;
  /** How the source is told back in the backstory: the description, or what the picture shows. */
  sourceNote: string;
}

const clean = (text: string) => text.replace(/[\s,;:.!?]+$/u, "").replace(/^[\s,;:]+/u, "").trim();
const DETERMINERS = /^(?:a|an|the|some|lots of|all kinds of|her|his|their|my|old|good)\s+/i;

export function readDescription(description: string): PersonaFacts {
  const text = description.replace(/\s+/g, " ").trim();
  const lower = text.toLowerCase();
  const doc = nlp(text);
  const traits = findTraits(doc, lower);
  const interests = findInterests(text);
  return {
    seed: hashString(text),
    name: findName(doc, text),
    age: findAge(lower),
    pronouns: findPronouns(lower),
    occupation: findOccupation(doc),
    location: findLocation(doc, text),
    traits,
    interests,
    appearance: findAppearance(text),
    palette: [...new Set(lower.split(/[^a-z]+/).filter((word) => COLOUR_WORDS.has(word)))],
    leaning: leaningOf(lower),
    sourceNote: limit(text, 600),
  };
}

function findName(doc: ReturnType<typeof nlp>, text: string): string | undefined {
  const person = (doc.people().out("array") as string[]).map(clean).find((name) => /^\p{Lu}/u.test(name));
  const named = nameWhereANameGoes(text);
  // compromise may know only part of a name ("Mori" of "Kenji Mori, …"): the whole one wins.
  if (person) return limit(named?.includes(person) ? named : person, 80);
  return named;
}

function nameWhereANameGoes(text: string): string | undefined {
  // "Kenji, 34, barista…", "Ada Quill is…", "named Ada", "Name: Ada Quill": a capitalised name where
  // a name goes, not any capitalised first word ("Someone who…").
  const word = "\\p{Lu}[\\p{L}'’-]+";
  const named =
    new RegExp(`^(${word}(?:\\s${word})?)(?=\\s*,|\\s+(?:is|was)\\b)`, "u").exec(text)?.[1] ??
    new RegExp(`\\b(?:[Nn]amed|[Cc]alled|[Nn]ame is|[Nn]ame:)\\s*(${word}(?:\\s${word})?)`, "u").exec(text)?.[1];
  if (!named) return undefined;
  const first = named.split(" ")[0]!.toLowerCase();
  const common = ["a", "an", "the", "she", "he", "they", "my", "our", "this", "retired", "young", "old"];
  if (common.includes(first) || PERSONALITY_TRAITS.has(first) || OCCUPATIONS.includes(first)) return undefined;
  return named;
}

function findAge(lower: string): number | undefined {
  const patterns = [/\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b/, /\baged?\s*(\d{1,3})\b/, /^[^,]{1,40},\s*(\d{1,3})\s*[,.;]/, /\((\d{1,3})\)/];
  for (const pattern of patterns) {
    const value = Number(pattern.exec(lower)?.[1]);
    if (Number.isInteger(value) && value > 0) return Math.min(120, Math.max(18, value));
  }
  const decade = /\b(?:in (?:her|his|their) (?:early |mid-?|late )?)?(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)\b/.exec(lower)?.[1];
  if (decade) return WORD_AGES[decade];
  if (/\b(teen|teenager|high school)\b/.test(lower)) return 18;
  return undefined;
}

function findPronouns(lower: string): Pronouns | undefined {
  const count = (pattern: RegExp) => (lower.match(pattern) ?? []).length;
  const she = count(/\b(she|her|hers|herself|woman|girl|mother|mum|mom|sister|wife|daughter|grandmother|lady)\b/g);
  const he = count(/\b(he|him|his|himself|man|guy|boy|father|dad|brother|husband|son|grandfather|gentleman)\b/g);
  const they = count(/\b(they\/them|non-binary|nonbinary|enby)\b/g);
  if (they > 0) return "they/them";
  if (she > he) return "she/her";
  if (he > she) return "he/him";
  return undefined;
}

function findOccupation(doc: ReturnType<typeof nlp>): string | undefined {
  for (const phrase of doc.nouns().out("array") as string[]) {
    const parts = clean(phrase)
      .split(/\s+(?:and|&)\s+/)
      .map((part) =>
        part
          .replace(DETERMINERS, "")
          .replace(/^\d+[\s-]*(?:years?|yrs?)?[\s-]*old\s+/i, ""),
      )
      .filter((part) => {
        const last = part.toLowerCase().split(/\s+/).at(-1) ?? "";
        return OCCUPATIONS.includes(last) || (OCCUPATION_ENDINGS.test(last) && last.length > 5);
      });
    if (parts.length) return limit(parts.map((part) => part.split(/\s+/).slice(-3).join(" ")).join(" and "), 120);
  }
  return undefined;
}

function findLocation(doc: ReturnType<typeof nlp>, text: string): string | undefined {
  const place = (doc.places().out("array") as string[]).map(clean).find((name) => /^\p{Lu}/u.test(name));
  if (place) return limit(place, 120);
  const after = /\b(?:from|in|living in|lives in|based in|near)\s+(\p{Lu}[\p{L}'’-]+(?:\s\p{Lu}[\p{L}'’-]+)?)/u.exec(text)?.[1];
  return after ? limit(after, 120) : undefined;
}

function findTraits(doc: ReturnType<typeof nlp>, lower: string): string[] {
  const adjectives = (doc.adjectives().out("array") as string[]).map((word) => clean(word).toLowerCase());
  const listed = lower.split(/[^a-z-]+/).filter((word) => PERSONALITY_TRAITS.has(word));
  return [...new Set([...adjectives.filter((word) => PERSONALITY_TRAITS.has(word)), ...listed])].slice(0, 8);
}

function findInterests(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(INTEREST_TRIGGERS)) {
    for (const part of match[1]!.split(/,|\s+and\s+|\s+&\s+|\s+or\s+/)) {
      const interest = clean(part).replace(DETERMINERS, "").split(/\s+/).slice(0, 4).join(" ");
      if (interest.length >= 3 && !/^(to|it|them|that|this)$/i.test(interest)) found.push(interest.toLowerCase());
    }
  }
  return [...new Set(found)].slice(0, 8).map((interest) => limit(interest, 80));
}

function findAppearance(text: string): string[] {
  const phrases: string[] = [];
  for (const clause of text.split(/[,.;!?]|\band\b|\bwith\b/)) {
    const match = APPEARANCE_NOUNS.exec(clause);
    if (!match) continue;
    const words = clause.trim().split(/\s+/);
    const at = words.findIndex((word) => word.toLowerCase().startsWith(match[1]!.toLowerCase()));
    const phrase = words.slice(Math.max(0, at - 3), at + 1).join(" ").replace(DETERMINERS, "");
    if (phrase) phrases.push(limit(clean(phrase), 120));
  }
  return [...new Set(phrases)].slice(0, 6);
}

function leaningOf(lower: string): Leaning {
  const scores: Array<[Leaning, RegExp]> = [
    ["cool", /\b(ocean|sea|sail\w*|swim\w*|rain\w*|blue|jazz|diving|surf\w*)\b/g],
    ["green", /\b(hik\w*|garden\w*|forest|mountain\w*|trail\w*|plants?|bird\w*|green|nature)\b/g],
    ["warm", /\b(food|cook\w*|spic\w*|danc\w*|party|sun\w*|red|orange|market\w*)\b/g],
    ["dark", /\b(night\w*|goth\w*|noir|metal|code|coding|horror|black|grumpy|cynical)\b/g],
    ["bright", /\b(morning|bak\w*|cheer\w*|pastel|yellow|bright|happy|run\w*)\b/g],
  ];
  let best: Leaning = "neutral";
  let bestScore = 0;
  for (const [leaning, pattern] of scores) {
    const score = (lower.match(pattern) ?? []).length;
    if (score > bestScore) [best, bestScore] = [leaning, score];
  }
  return best;
}

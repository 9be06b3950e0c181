// Finds the people and places a story names: runs of capitalised words scored as a person or a
// place by their tags and neighbours, then short forms joined to the full name they belong to.
import { bareWord, breaksAfter, isCapitalised, type Sentence, type Token } from "./sentences";
import { HONORIFICS, LOCATION_NOUNS, NAMING_WORDS, NON_NAMES, PLACE_PREPOSITIONS, PLACE_WORDS, SPEECH_VERBS } from "./word-lists";

export interface Occurrence {
  sentence: number;
  start: number;
  end: number; // exclusive
}

export interface Candidate {
  words: string[];
  honorific?: string;
  occurrences: Occurrence[];
  personScore: number;
  placeScore: number;
}

export interface FoundCharacter {
  name: string;
  occurrences: Occurrence[];
}

/** Every capitalised name in the story, with where it occurs and how much it looks like a person or a place. */
export function findCandidates(sentences: Sentence[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  // Words seen capitalised in mid-sentence are names, so they count at a sentence start too
  // ("Maren climbed the stairs").
  const namesMidSentence = new Set<string>();
  for (const sentence of sentences) {
    sentence.tokens.forEach((token, position) => {
      if (position > 0 && isCapitalised(token) && !/["“‘]/.test(token.pre) && !/[.!?:;]/.test(sentence.tokens[position - 1]!.post)) {
        namesMidSentence.add(bareWord(token).toLowerCase());
      }
    });
  }
  for (const sentence of sentences) {
    const tokens = sentence.tokens;
    let index = 0;
    while (index < tokens.length) {
      const token = tokens[index]!;
      if (!isCapitalised(token)) {
        index += 1;
        continue;
      }
      let end = index + 1;
      let last = token;
      while (end < tokens.length && !breaksAfter(last)) {
        const next = tokens[end]!;
        if (/["“‘(]/.test(next.pre)) break;
        if (isCapitalised(next)) {
          last = next;
          end += 1;
          continue;
        }
        // "Cathedral of Saint Brannock", "Market of Clocks": one name across a lowercase "of".
        const after = tokens[end + 1];
        if (next.normal === "of" && after && isCapitalised(after) && !breaksAfter(next)) {
          last = after;
          end += 2;
          continue;
        }
        break;
      }
      let start = index;
      // A capital at the start of a sentence (or a quotation) proves nothing: drop common words there.
      const sentenceInitial = (position: number) => position === 0 || /["“‘]/.test(tokens[position]!.pre) || /[:;]/.test(tokens[position - 1]?.post ?? "");
      while (start < end && isCommonWord(tokens[start]!, sentenceInitial(start), namesMidSentence)) start += 1;
      if (start < end) record(byKey, sentence, start, end);
      index = end;
    }
  }
  return [...byKey.values()];
}

function isCommonWord(token: Token, sentenceInitial: boolean, namesMidSentence: Set<string>): boolean {
  const word = bareWord(token).toLowerCase();
  if (NON_NAMES.has(word)) return true;
  if (namesMidSentence.has(word) && !token.tags.has("Pronoun") && !token.tags.has("Determiner")) return false;
  const grammatical = ["Pronoun", "Determiner", "Preposition", "Conjunction", "Adverb", "QuestionWord", "Date", "Value"];
  if (grammatical.some((tag) => token.tags.has(tag))) return true;
  if (sentenceInitial && !token.tags.has("ProperNoun") && !token.tags.has("Person")) return true;
  return false;
}

function record(byKey: Map<string, Candidate>, sentence: Sentence, start: number, end: number): void {
  const tokens = sentence.tokens.slice(start, end);
  let words = tokens.map(bareWord);
  let honorific: string | undefined;
  if (words.length > 1 && HONORIFICS.has(words[0]!.toLowerCase()) && words[0]!.toLowerCase() !== "saint") {
    honorific = words[0];
    words = words.slice(1);
  }
  const key = words.join(" ").toLowerCase();
  const candidate = byKey.get(key) ?? { words, honorific, occurrences: [], personScore: 0, placeScore: 0 };
  candidate.honorific ??= honorific;
  candidate.occurrences.push({ sentence: sentence.index, start, end });
  byKey.set(key, candidate);

  const before = sentence.tokens[start - 1];
  const twoBefore = sentence.tokens[start - 2];
  const after = sentence.tokens[end];
  const lowerWords = words.map((word) => word.toLowerCase());
  if (tokens.some((token) => ["Person", "FirstName", "LastName", "MaleName", "FemaleName", "Honorific"].some((tag) => token.tags.has(tag)))) {
    candidate.personScore += 2;
  }
  if (honorific) candidate.personScore += 3;
  if (before && NAMING_WORDS.has(before.normal)) candidate.personScore += 3;
  if (before && twoBefore && twoBefore.normal === "name" && ["was", "is"].includes(before.normal)) candidate.personScore += 3;
  if (before && before.tags.has("Actor") && !breaksAfter(before)) candidate.personScore += 2;
  if (after && !breaksAfter(tokens[tokens.length - 1]!) && (SPEECH_VERBS.has(after.normal) || after.tags.has("PastTense"))) {
    candidate.personScore += 1;
  }
  if (tokens.some((token) => ["Place", "City", "Country", "Region", "Address"].some((tag) => token.tags.has(tag)))) {
    candidate.placeScore += 2;
  }
  if (lowerWords.some((word) => PLACE_WORDS.has(word))) candidate.placeScore += 3;
  if (before && PLACE_PREPOSITIONS.has(before.normal)) candidate.placeScore += 1;
  if (after && LOCATION_NOUNS.has(after.normal)) candidate.placeScore += 2;
}

/** The people among the candidates (at most 30), in order of first mention. */
export function pickCharacters(candidates: Candidate[]): FoundCharacter[] {
  // Shorter forms ("Ada", "Orrin Vale") join the fuller name they are part of ("Ada Quill",
  // "Count Orrin Vale"), so one person is one character with all of their mentions.
  const ordered = [...candidates].sort((left, right) => right.words.length - left.words.length);
  const merged: Candidate[] = [];
  for (const candidate of ordered) {
    const targets = merged.filter(
      (fuller) => fuller.words.length > candidate.words.length && containsRun(fuller.words, candidate.words) && fuller.placeScore <= fuller.personScore,
    );
    const target = targets.sort((left, right) => right.occurrences.length - left.occurrences.length)[0];
    if (target && candidate.placeScore <= candidate.personScore) {
      target.occurrences.push(...candidate.occurrences);
      target.personScore += candidate.personScore;
      target.honorific ??= candidate.honorific;
    } else {
      merged.push({ ...candidate, occurrences: [...candidate.occurrences] });
    }
  }
  const people = merged.filter((candidate) => {
    if (candidate.words.some((word) => NON_NAMES.has(word.toLowerCase()))) return false;
    if (candidate.placeScore >= candidate.personScore) return false;
    return candidate.personScore >= 2 || (candidate.occurrences.length >= 3 && candidate.placeScore === 0);
  });
  return people
    .map((candidate) => ({
      name: [candidate.honorific, ...candidate.words].filter(Boolean).join(" "),
      occurrences: candidate.occurrences.sort((left, right) => left.sentence - right.sentence || left.start - right.start),
    }))
    .sort((left, right) => left.occurrences[0]!.sentence - right.occurrences[0]!.sentence || left.occurrences[0]!.start - right.occurrences[0]!.start)
    .slice(0, 30);
}

function containsRun(haystack: string[], needle: string[]): boolean {
  const lowerHaystack = haystack.map((word) => word.toLowerCase());
  const lowerNeedle = needle.map((word) => word.toLowerCase());
  for (let start = 0; start + lowerNeedle.length <= lowerHaystack.length; start += 1) {
    if (lowerNeedle.every((word, offset) => lowerHaystack[start + offset] === word)) return true;
  }
  return false;
}

// What each scene is: a title from its lead character and its most distinctive noun, a setting from
// the places and location words it mentions, a mood from a small lexicon, and who is present.
import type { Scene } from "../schemas";
import type { Candidate, FoundCharacter } from "./character-names";
import type { Sentence } from "./sentences";
import { limit } from "./text";
import { HONORIFICS, LOCATION_NOUNS, MOOD_LEXICON, PLACE_WORDS, STOP_NOUNS } from "./word-lists";

/** One scene per group of sentences, each titled uniquely; a scene without a place keeps the last one seen. */
export function buildScenes(groups: Sentence[][], characters: FoundCharacter[], places: Candidate[]): Scene[] {
  const nounCounts = groups.map((group) => countNouns(group, characters));
  const titles = new Set<string>();
  let previousPlace: string | undefined;
  let previousSetting: string | undefined;
  return groups.map((group, index) => {
    const sentenceIndices = new Set(group.map((sentence) => sentence.index));
    const present = characters.filter((character) => character.occurrences.some((occurrence) => sentenceIndices.has(occurrence.sentence)));
    const mentions = (character: FoundCharacter) => character.occurrences.filter((occurrence) => sentenceIndices.has(occurrence.sentence)).length;
    const lead = [...present].sort((left, right) => mentions(right) - mentions(left))[0];

    const placeHere = places
      .filter((place) => place.occurrences.some((occurrence) => sentenceIndices.has(occurrence.sentence)))
      .sort((left, right) => right.placeScore - left.placeScore)[0];
    const place = placeHere ? placeName(placeHere.words) : previousPlace;
    previousPlace = place;
    // "The market at the Market of Clocks" says one thing twice.
    const locations = topLocations(group).filter((location) => !place?.toLowerCase().includes(location));
    let setting: string;
    if (locations.length > 0) setting = `The ${locations.join(" and ")}${place ? ` at ${place}` : ""}`;
    else setting = place ?? previousSetting ?? "An unnamed place";
    previousSetting = setting;

    const keyNoun = distinctiveNoun(nounCounts, index) ?? locations[0] ?? "moment";
    let title = lead ? `${shortName(lead.name)} and the ${titleCase(keyNoun)}` : `The ${titleCase(keyNoun)}`;
    if (titles.has(title)) title = `${title}, part ${index + 1}`;
    titles.add(title);

    return {
      title: limit(title, 120),
      summary: limit(group.slice(0, 2).map((sentence) => sentence.text).join(" "), 600),
      setting: limit(setting.charAt(0).toUpperCase() + setting.slice(1), 300),
      mood: moodOf(group),
      charactersPresent: present.map((character) => character.name),
    };
  });
}

function placeName(words: string[]): string {
  // "the Market of Clocks", "the Cathedral of Saint Brannock", but plain "Vellichor", "Gull Point".
  const name = words.join(" ");
  return PLACE_WORDS.has(words[0]!.toLowerCase()) ? `the ${name}` : name;
}

function countNouns(group: Sentence[], characters: FoundCharacter[]): Map<string, { count: number; first: number }> {
  const names = new Set(characters.flatMap((character) => character.name.toLowerCase().split(" ")));
  const counts = new Map<string, { count: number; first: number }>();
  let position = 0;
  for (const sentence of group) {
    for (const token of sentence.tokens) {
      position += 1;
      if (!token.tags.has("Noun") || token.tags.has("Pronoun") || token.tags.has("ProperNoun") || token.tags.has("Possessive")) continue;
      const word = token.normal.replace(/[^a-z-]/g, "");
      if (word.length < 3 || STOP_NOUNS.has(word) || names.has(word)) continue;
      const entry = counts.get(word) ?? { count: 0, first: position };
      entry.count += 1;
      counts.set(word, entry);
    }
  }
  return counts;
}

function distinctiveNoun(nounCounts: Array<Map<string, { count: number; first: number }>>, index: number): string | undefined {
  // A noun frequent here and rare elsewhere names the scene better than one the whole story repeats.
  const here = nounCounts[index]!;
  let best: string | undefined;
  let bestScore = -1;
  let bestFirst = Number.POSITIVE_INFINITY;
  for (const [word, { count, first }] of here) {
    const elsewhere = nounCounts.filter((counts, other) => other !== index && counts.has(word)).length;
    const score = count / (1 + elsewhere);
    if (score > bestScore || (score === bestScore && first < bestFirst)) {
      best = word;
      bestScore = score;
      bestFirst = first;
    }
  }
  return best;
}

function topLocations(group: Sentence[]): string[] {
  const counts = new Map<string, { count: number; first: number }>();
  let position = 0;
  for (const sentence of group) {
    for (const token of sentence.tokens) {
      position += 1;
      if (!LOCATION_NOUNS.has(token.normal)) continue;
      const entry = counts.get(token.normal) ?? { count: 0, first: position };
      entry.count += 1;
      counts.set(token.normal, entry);
    }
  }
  return [...counts.entries()]
    .sort((left, right) => right[1].count - left[1].count || left[1].first - right[1].first)
    .slice(0, 2)
    .map(([word]) => word);
}

function moodOf(group: Sentence[]): string {
  const words = group.flatMap((sentence) => sentence.tokens.map((token) => token.normal));
  let best = "quiet";
  let bestScore = 0;
  for (const [mood, stems] of MOOD_LEXICON) {
    const score = words.filter((word) => stems.some((stem) => (stem.length >= 4 ? word.startsWith(stem) : word === stem))).length;
    if (score > bestScore) {
      best = mood;
      bestScore = score;
    }
  }
  return best;
}

function shortName(name: string): string {
  const words = name.split(" ");
  if (words.length > 1 && HONORIFICS.has(words[0]!.toLowerCase())) return `${words[0]} ${words[words.length - 1]}`;
  return words[0]!;
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

// The offline provider's stage 1: splits a story into scenes and finds its characters with the
// compromise NLP library plus a few heuristics (capitalised names, "named X", honorifics, place
// words). No model, no network, same answer every time — good enough to make real stories produce
// sensible scenes and consistent characters without an API key.
import nlp from "compromise";
import { hashString } from "../seeded-random";
import { MAX_SCENES, type Character, type Scene, type StoryAnalysis } from "../../features/story/schemas";

interface Token {
  text: string;
  pre: string;
  post: string;
  normal: string;
  tags: Set<string>;
}

interface Sentence {
  index: number;
  paragraph: number;
  text: string;
  tokens: Token[];
  words: number;
}

interface Occurrence {
  sentence: number;
  start: number;
  end: number; // exclusive
}

interface Candidate {
  words: string[];
  honorific?: string;
  occurrences: Occurrence[];
  personScore: number;
  placeScore: number;
}

interface FoundCharacter {
  name: string;
  occurrences: Occurrence[];
}

const HONORIFICS = new Set([
  "count", "countess", "mr", "mrs", "ms", "miss", "dr", "doctor", "sir", "lady", "lord", "captain", "professor",
  "king", "queen", "prince", "princess", "duke", "duchess", "baron", "baroness", "father", "sister", "brother",
  "aunt", "uncle", "madame", "monsieur", "master", "mistress", "saint", "old",
]);
const PLACE_WORDS = new Set([
  "street", "point", "market", "cathedral", "station", "harbour", "harbor", "tower", "road", "lane", "bay", "island",
  "castle", "river", "hill", "hills", "mountain", "mountains", "forest", "wood", "woods", "lake", "sea", "square",
  "bridge", "church", "abbey", "hall", "inn", "tavern", "gate", "park", "valley", "village", "town", "city", "port",
  "cove", "avenue", "alley", "palace", "temple", "library", "school", "academy", "house", "manor", "farm", "mill",
  "marsh", "moor", "desert", "ocean", "coast", "cliffs", "falls", "springs", "kingdom", "empire", "county", "shire",
]);
const PLACE_PREPOSITIONS = new Set(["in", "at", "from", "to", "into", "of", "across", "near", "towards", "toward", "through", "beyond", "past"]);
const NAMING_WORDS = new Set(["named", "called"]);
const SPEECH_VERBS = new Set(["said", "asked", "replied", "whispered", "shouted", "cried", "answered", "laughed", "smiled", "says", "nodded", "sighed"]);
const NON_NAMES = new Set([
  "i", "the", "a", "an", "and", "but", "or", "so", "then", "when", "while", "after", "before", "inside", "outside",
  "at", "in", "on", "one", "every", "everyone", "someone", "nobody", "far", "that", "this", "there", "here", "his",
  "her", "their", "its", "my", "our", "your", "he", "she", "they", "we", "you", "it", "god", "grandmother",
  "grandfather", "mother", "father", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
  "december", "yes", "no", "oh", "ah", "mister",
]);
const LOCATION_NOUNS = new Set([
  "lighthouse", "tower", "harbour", "harbor", "sea", "shore", "beach", "rocks", "boat", "landing", "gallery", "stairs",
  "market", "stall", "station", "attic", "bakery", "street", "cathedral", "church", "city", "forest", "wood", "garden",
  "kitchen", "room", "house", "castle", "village", "town", "field", "river", "bridge", "road", "hill", "mountain",
  "cave", "ship", "deck", "library", "shop", "tavern", "inn", "square", "roof", "cellar", "hall", "palace", "school",
  "office", "train", "desert", "island", "lake", "ocean", "camp", "farm", "barn", "workshop", "courtyard", "meadow",
  "valley", "cliff", "port", "alley", "bedroom", "classroom", "laboratory", "temple", "ruins", "swamp", "jungle",
]);
const MOOD_LEXICON: Array<[string, string[]]> = [
  ["tense", ["storm", "danger", "fear", "afraid", "scream", "shudder", "crash", "warning", "threat", "chase", "panic", "trembl", "midnight", "broke", "black", "lost", "hunt"]],
  ["mysterious", ["stranger", "secret", "myster", "strange", "hidden", "map", "key", "whisper", "shadow", "moon", "backward", "candle", "vanish", "riddle", "clue", "unknown"]],
  ["joyful", ["cheer", "smil", "laugh", "joy", "happy", "celebrat", "delight", "grin", "thank", "danc", "bright", "shining"]],
  ["melancholy", ["rust", "alone", "lonely", "grief", "tears", "sad", "empty", "abandon", "grey", "gray", "winter", "dust", "faded", "silent", "dark"]],
  ["peaceful", ["calm", "quiet", "gentle", "soft", "still", "morning", "rest", "sleep", "peace", "warm", "slowly"]],
  ["hopeful", ["promise", "hope", "new", "dawn", "light", "again", "beam", "found", "home", "forward"]],
  ["adventurous", ["climb", "journey", "explor", "rowed", "sail", "quest", "search", "ventur", "escape", "tools"]],
];
const BODY_AND_CLOTHING = new Set([
  "coat", "scarf", "jacket", "hat", "cap", "hood", "cloak", "cape", "dress", "gown", "skirt", "shirt", "blouse",
  "trousers", "boots", "shoes", "gloves", "apron", "uniform", "waistcoat", "vest", "sweater", "jumper", "robe", "suit",
  "tie", "belt", "spectacles", "glasses", "beard", "moustache", "mustache", "hair", "eyes", "freckles", "skin",
  "fingers", "hands", "face", "scar", "tattoo", "braid", "braids", "ponytail", "curls", "satchel", "necklace",
  "earrings", "overalls", "bonnet", "shawl", "sandals", "helmet", "armour", "armor", "eyepatch", "whiskers",
]);
/** Worth naming even without an adjective ("freckles" says something; "hair" alone does not). */
const DISTINCT_ON_THEIR_OWN = new Set(["freckles", "beard", "moustache", "mustache", "spectacles", "glasses", "scar", "tattoo", "braids", "apron", "cloak", "eyepatch", "whiskers", "overalls"]);
const BUILD_NOUNS = new Set(["woman", "man", "girl", "boy", "child", "lady", "gentleman", "figure", "fellow", "stranger", "teenager"]);
const MODIFIER_WORDS = new Set([
  "grey", "gray", "red", "blue", "green", "yellow", "black", "white", "brown", "purple", "orange", "pink", "golden",
  "gold", "silver", "wool", "woollen", "woolen", "velvet", "oilskin", "leather", "silk", "linen", "cotton", "tweed",
  "brass", "long", "short", "curly", "straight", "round", "tall", "thin", "old", "young", "dark", "pale", "bright",
]);
const STOP_NOUNS = new Set(["time", "way", "thing", "things", "one", "day", "night", "evening", "morning", "end", "side", "name", "hour", "first", "everyone", "someone", "nothing", "something", "anyone", "people", "last", "hundred", "kind"]);
const DEFAULT_HAIR = ["dark hair", "auburn hair", "fair hair", "black hair", "grey hair", "brown hair", "copper-red hair"];
const DEFAULT_CLOTHES = ["a dark blue coat", "a brown travelling cloak", "a green jacket", "a plain linen shirt", "a red knitted jumper", "a grey waistcoat"];
const DEFAULT_BUILD = ["tall and slender", "short and sturdy", "of medium height", "broad-shouldered", "small and wiry"];

/** Scenes and characters for a story; `sceneCount` is respected exactly (clamped to 1..MAX_SCENES). */
export function analyseStory(story: string, sceneCount?: number): StoryAnalysis {
  const sentences = splitSentences(story);
  if (sentences.length === 0) {
    return { scenes: [{ title: "An Empty Page", summary: "The story is empty.", setting: "An unnamed place", mood: "quiet", charactersPresent: [] }], characters: [] };
  }
  const candidates = findCandidates(sentences);
  const characters = pickCharacters(candidates);
  const places = candidates.filter((candidate) => candidate.placeScore > 0 && candidate.placeScore >= candidate.personScore);

  const paragraphs = new Set(sentences.map((sentence) => sentence.paragraph)).size;
  const totalWords = sentences.reduce((total, sentence) => total + sentence.words, 0);
  const count = clamp(Math.round(sceneCount ?? chooseSceneCount(paragraphs, totalWords)), 1, MAX_SCENES);
  const groups = partition(sentences, count);

  const scenes = buildScenes(groups, characters, places);
  return {
    scenes,
    characters: characters.map((character) => describeCharacter(character, characters, sentences)),
  };
}

function chooseSceneCount(paragraphs: number, totalWords: number): number {
  const byParagraphs = paragraphs > 1 ? paragraphs : Math.ceil(totalWords / 120);
  // Never more scenes than the text can fill (about 40 words each), never more than the limit.
  return clamp(byParagraphs, 1, Math.min(MAX_SCENES, Math.max(1, Math.floor(totalWords / 40))));
}

function splitSentences(story: string): Sentence[] {
  const sentences: Sentence[] = [];
  const paragraphs = story
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n+/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter((paragraph) => paragraph.length > 0);
  paragraphs.forEach((paragraph, paragraphIndex) => {
    const json = nlp(paragraph).json() as Array<{ text: string; terms: Array<{ text: string; pre: string; post: string; normal: string; tags: string[] }> }>;
    for (const item of json) {
      const tokens = item.terms
        .filter((term) => term.text.length > 0)
        .map((term) => ({ text: term.text, pre: term.pre ?? "", post: term.post ?? "", normal: (term.normal ?? term.text).toLowerCase(), tags: new Set(term.tags) }));
      if (tokens.length === 0) continue;
      sentences.push({ index: sentences.length, paragraph: paragraphIndex, text: item.text.trim(), tokens, words: tokens.length });
    }
  });
  return sentences;
}

function isCapitalised(token: Token): boolean {
  return /^\p{Lu}/u.test(token.text);
}

function breaksAfter(token: Token): boolean {
  // Punctuation after a word (other than a hyphen or an apostrophe) ends a name.
  return /[^\s\-'’]/.test(token.post);
}

function bareWord(token: Token): string {
  return token.text.replace(/['’]s$/i, "");
}

function findCandidates(sentences: Sentence[]): Candidate[] {
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

function pickCharacters(candidates: Candidate[]): FoundCharacter[] {
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

/** Contiguous groups of sentences, `count` of them, balanced by words and cut at paragraphs when possible. */
function partition(sentences: Sentence[], count: number): Sentence[][] {
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

function buildScenes(groups: Sentence[][], characters: FoundCharacter[], places: Candidate[]): Scene[] {
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

function describeCharacter(character: FoundCharacter, all: FoundCharacter[], sentences: Sentence[]): Character {
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
    .map((index) => sentences[index]!.text);  const found = unique(windows.flatMap(extractTraits));
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

function shortName(name: string): string {
  const words = name.split(" ");
  if (words.length > 1 && HONORIFICS.has(words[0]!.toLowerCase())) return `${words[0]} ${words[words.length - 1]}`;
  return words[0]!;
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function limit(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

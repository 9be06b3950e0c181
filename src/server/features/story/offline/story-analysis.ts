// The story's offline analysis (stage 1 without a model): splits a story into scenes and finds its
// characters with the compromise NLP library plus a few heuristics (capitalised names, "named X",
// honorifics, place words). No model, no network, same answer every time — good enough to make
// real stories produce sensible scenes and consistent characters without an API key. The offline
// text model reaches it through storyOfflineResponders (../story-offline.ts).
import { MAX_SCENES, type StoryAnalysis } from "../schemas";
import { findCandidates, pickCharacters } from "./character-names";
import { describeCharacter } from "./character-traits";
import { buildScenes } from "./scene-details";
import { partition } from "./scene-partition";
import { splitSentences } from "./sentences";

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

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

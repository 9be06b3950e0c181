// The story's offline prompt writer (stage 2 without a model): an image prompt per scene from
// templates. Each character is described by the same words in every scene (name plus visual
// traits), which is what keeps a character recognisable from picture to picture — for real image
// models as for the offline one.
import type { ScenePrompt } from "../schemas";
import type { ScenePromptInput } from "../stage-messages";

const LIGHTING: Record<string, string> = {
  tense: "dramatic low light, deep shadows, wind and motion",
  mysterious: "soft moonlight, drifting haze, glints of brass",
  joyful: "warm golden light, bright and clear",
  melancholy: "pale overcast light, muted tones",
  peaceful: "gentle morning light, calm air",
  hopeful: "first light of dawn breaking through",
  adventurous: "crisp light, long shadows, a sense of height and distance",
};

const NEGATIVE_PROMPT = "text, captions, lettering, watermark, signature, extra limbs, distorted faces, blurry, low quality";

export function writeScenePrompt(input: ScenePromptInput): ScenePrompt {
  const { scene, style } = input;
  const known = new Map(input.characters.map((character) => [character.name.toLowerCase(), character]));
  const inScene = scene.charactersPresent
    .map((name) => known.get(name.toLowerCase()) ?? { name, description: "", visualTraits: [] })
    .slice(0, 6);
  const styleText = style.trim() || "storybook illustration";
  const moodKey = scene.mood.toLowerCase().split(/[\s,]+/)[0] ?? "";

  const people = inScene.map((character) =>
    character.visualTraits.length > 0 ? `${character.name} (${character.visualTraits.join(", ")})` : character.name,
  );
  const composition =
    inScene.length === 0 ? "a wide establishing view of the place" : inScene.length === 1 ? "one figure in the middle distance, the place around them" : "the figures grouped together in the middle distance";
  const sentences = [
    `${capitalise(styleText)}.`,
    `Scene: ${scene.title}. ${firstSentence(scene.summary)}`,
    `Setting: ${scene.setting}.`,
    ...(people.length > 0 ? [`Characters: ${people.join("; ")}.`] : []),
    `Mood: ${scene.mood}, ${LIGHTING[moodKey] ?? "natural light"}.`,
    `Composition: ${composition}.`,
    "No text or lettering in the picture.",
  ];
  const styleTags = unique([
    ...styleText
      .split(/,|\band\b/)
      .map((tag) => tag.trim().toLowerCase())
      .filter((tag) => tag.length > 0 && tag.length <= 40),
    `${moodKey || "quiet"} mood`,
  ]).slice(0, 12);

  return {
    imagePrompt: limit(sentences.join(" "), 2000),
    negativePrompt: NEGATIVE_PROMPT,
    styleTags,
    charactersInScene: inScene.map((character) => character.name),
  };
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](?:["”’])?(?=\s|$)/.exec(text.trim());
  const sentence = match ? match[0] : text.trim();
  return /[.!?]["”’]?$/.test(sentence) ? sentence : `${sentence}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function limit(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

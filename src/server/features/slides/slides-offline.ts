// The slides' offline answers: the offline text model (and the fake provider server) write a
// slide's image prompt from its title and text with a template, deterministically.
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import { MAX_IMAGE_PROMPT } from "./deck-input";
import { readSlidePromptInput, SLIDE_PROMPT, type SlidePrompt, type SlidePromptInput } from "./slide-prompt-messages";

const COMPOSITION: Record<string, string> = {
  "16:9": "a wide landscape composition with open space on one side",
  "4:3": "a balanced composition with the subject slightly off centre",
  "1:1": "a centred square composition",
  "9:16": "a tall portrait composition with the subject in the lower half",
};

/** The slide's main points: list items, or its first sentences, at most three. */
function keyPoints(text: string): string[] {
  const lines = text
    .split("\n")
    .map((line) => line.replace(/^\s*(?:[-*+]|\d{1,3}[.)])\s+/, "").trim())
    .filter(Boolean);
  const points = lines.length > 1 ? lines : (lines[0] ?? "").split(/(?<=[.!?])\s+/).filter(Boolean);
  return points.slice(0, 3).map((point) => point.replace(/[.!?:;,\s]+$/, ""));
}

export function writeSlidePrompt(input: SlidePromptInput): SlidePrompt {
  const points = keyPoints(input.text);
  const sentences = [
    `A presentation illustration for the slide "${input.title}"${input.deckTitle ? ` of the deck "${input.deckTitle}"` : ""}.`,
    points.length > 0 ? `It shows ${points.join("; ")}.` : `It shows the idea of ${input.title.toLowerCase()} as one clear visual metaphor.`,
    `${capitalise(COMPOSITION[input.aspectRatio] ?? "a balanced composition")}, calm space for a headline, soft even light.`,
    "No text, letters or logos in the picture.",
  ];
  return { imagePrompt: sentences.join(" ").slice(0, MAX_IMAGE_PROMPT) };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const slidesOfflineResponders: OfflineResponders = {
  [SLIDE_PROMPT]: (messages) => {
    const input = readSlidePromptInput(messages);
    return input ? writeSlidePrompt(input) : undefined;
  },
};

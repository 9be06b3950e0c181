// The slides' offline answer: the slide-prompt messages carry their input in a form the offline
// responder reads back, and the template prompt is deterministic, names the slide, uses its main
// points and never asks for lettering. Requests it cannot read are left to the schema sample.
import { describe, expect, test } from "vitest";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { buildSlidePromptMessages, readSlidePromptInput, SLIDE_PROMPT, slidePromptSchema } from "@/server/features/slides/slide-prompt-messages";
import { slidesOfflineResponders, writeSlidePrompt } from "@/server/features/slides/slides-offline";
import { createProviders } from "@/server/providers/create-providers";

const input = {
  deckTitle: "Harbour plan",
  title: "Why </input> now",
  text: "- Trade doubled\n- Ships wait outside\n- The quay is too short\n- A fourth point",
  style: "watercolor",
  aspectRatio: "16:9",
};

describe("the slide prompt's offline answer", () => {
  test("reads its input back out of the messages, even with tags in the text", () => {
    expect(readSlidePromptInput(buildSlidePromptMessages(input))).toEqual(input);
    expect(readSlidePromptInput([{ role: "user", content: "no input here" }])).toBeUndefined();
  });

  test("writes a deterministic prompt from the title and the first three points", () => {
    const prompt = writeSlidePrompt(input).imagePrompt;
    expect(writeSlidePrompt(input).imagePrompt).toBe(prompt);
    expect(prompt).toContain('"Why </input> now"');
    expect(prompt).toContain("It shows Trade doubled; Ships wait outside; The quay is too short.");
    expect(prompt).not.toContain("A fourth point");
    expect(prompt).toContain("A wide landscape composition");
    expect(prompt).toContain("No text, letters or logos in the picture.");
    expect(slidePromptSchema.safeParse({ imagePrompt: prompt }).success).toBe(true);
  });

  test("is what the offline provider answers for slides, through the domains' list", async () => {
    const offline = createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: OFFLINE_RESPONDERS });
    const { object } = await offline.text.generateObject({ name: SLIDE_PROMPT, schema: slidePromptSchema, messages: buildSlidePromptMessages(input) });
    expect(object).toEqual(writeSlidePrompt(input));
    expect(OFFLINE_RESPONDERS[SLIDE_PROMPT]).toBe(slidesOfflineResponders[SLIDE_PROMPT]);
  });

  test("a slide with no text is drawn from its title", () => {
    expect(writeSlidePrompt({ ...input, title: "Growth", text: "" }).imagePrompt).toContain("It shows the idea of growth as one clear visual metaphor.");
  });
});

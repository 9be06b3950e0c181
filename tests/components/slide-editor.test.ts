// What the slide form sends and refuses: only the fields that changed (so a prompt the text model
// wrote is written again from new words), and the same messages the server gives for the same input.
import { describe, expect, test } from "vitest";
import { changesOf, slideFieldErrors } from "@/components/slides/slide-editor";
import { MAX_IMAGE_PROMPT, MAX_SLIDE_TEXT, MAX_SLIDE_TITLE, updateSlideInput } from "@/server/features/slides/deck-input";

const slide = { title: "Our product", text: "One style per deck.", imagePrompt: "A projector in a dark room" };
const limits = { slideTitle: MAX_SLIDE_TITLE, slideText: MAX_SLIDE_TEXT, imagePrompt: MAX_IMAGE_PROMPT };

describe("the changes a slide form sends", () => {
  test("are only the fields that differ, trimmed as the server stores them", () => {
    expect(changesOf(slide, { ...slide, title: "  Our product, in one picture " })).toEqual({ title: "Our product, in one picture" });
    expect(changesOf(slide, { ...slide, text: "One style per deck.  " })).toEqual({});
    expect(changesOf(slide, { title: "New", text: "", imagePrompt: "" })).toEqual({ title: "New", text: "", imagePrompt: "" });
  });
});

describe("the form's own checks", () => {
  const cases: Array<[string, typeof slide]> = [
    ["an empty title", { ...slide, title: "   " }],
    ["a title past its limit", { ...slide, title: "t".repeat(MAX_SLIDE_TITLE + 1) }],
    ["a text past its limit", { ...slide, text: "x".repeat(MAX_SLIDE_TEXT + 1) }],
    ["a prompt past its limit", { ...slide, imagePrompt: "p".repeat(MAX_IMAGE_PROMPT + 1) }],
  ];

  test.each(cases)("refuse %s with the server's message for the same field", (_name, values) => {
    const server = updateSlideInput.safeParse({ deckId: "deck", slideId: "slide", ...values });
    expect(server.success).toBe(false);
    const serverErrors = Object.fromEntries(server.error!.issues.map((issue) => [String(issue.path[0]), issue.message]));
    expect(slideFieldErrors(values, limits)).toEqual(serverErrors);
  });

  test("pass what the server accepts", () => {
    expect(slideFieldErrors({ ...slide, text: "", imagePrompt: "" }, limits)).toEqual({});
    expect(updateSlideInput.safeParse({ deckId: "deck", slideId: "slide", ...slide, text: "", imagePrompt: "" }).success).toBe(true);
  });
});

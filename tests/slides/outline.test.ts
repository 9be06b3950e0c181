// The outline parser: markdown headings (each a slide, the lines below it its text), plain
// outlines (lines at the margin are slides), prompt lines, code fences, and what is left out.
import { describe, expect, test } from "vitest";
import { parseOutline } from "@/server/features/slides/outline";
import { previewOutline } from "@/server/features/slides/decks";

describe("markdown", () => {
  test("each heading of any level is a slide, and the lines below it are its text", () => {
    const parsed = parseOutline(["# Welcome", "", "Glad you came.", "", "## Agenda", "- numbers", "- plans", "", "", "", "### Questions"].join("\n"));
    expect(parsed.slides).toEqual([
      { title: "Welcome", text: "Glad you came.", imagePrompt: "" },
      { title: "Agenda", text: "- numbers\n- plans", imagePrompt: "" },
      { title: "Questions", text: "", imagePrompt: "" },
    ]);
    expect(parsed.suggestedTitle).toBe("Welcome");
    expect(parsed.warnings).toEqual([]);
  });

  test("removes inline markdown and closing hashes from titles", () => {
    const { slides } = parseOutline("## **Bold** and `code` and [a link](https://example.com) ##\ntext");
    expect(slides[0]!.title).toBe("Bold and code and a link");
  });

  test("a Prompt: or Image prompt: line sets the slide's image prompt", () => {
    const { slides } = parseOutline(["# Harbour", "Ships come in.", "Prompt: a harbour at dawn", "# Market", "- Image prompt: stalls in the rain"].join("\n"));
    expect(slides).toEqual([
      { title: "Harbour", text: "Ships come in.", imagePrompt: "a harbour at dawn" },
      { title: "Market", text: "", imagePrompt: "stalls in the rain" },
    ]);
  });

  test("lines in code fences are text, not headings; thematic breaks between slides are dropped", () => {
    const { slides } = parseOutline(["# Setup", "```sh", "# not a heading", "```", "---", "# Next"].join("\n"));
    expect(slides.map((slide) => slide.title)).toEqual(["Setup", "Next"]);
    expect(slides[0]!.text).toBe("```sh\n# not a heading\n```");
  });

  test("text before the first heading is left out, and says so", () => {
    const parsed = parseOutline("Some preamble\n# First\nbody");
    expect(parsed.slides).toEqual([{ title: "First", text: "body", imagePrompt: "" }]);
    expect(parsed.warnings).toEqual(["The text before the first heading is not part of any slide and was left out."]);
  });

  test("reads Windows line endings and a heading with no text", () => {
    const { slides } = parseOutline("# One\r\nfirst\r\n#\r\nsecond\r\n");
    expect(slides).toEqual([
      { title: "One", text: "first", imagePrompt: "" },
      { title: "Slide 2", text: "second", imagePrompt: "" },
    ]);
  });
});

describe("plain outlines", () => {
  test("lines at the left margin are slides; indented lines are their text", () => {
    const outline = ["1. Introduction", "   who we are", "   why now", "2) Results", "   - up 12%", "Next steps"].join("\n");
    expect(parseOutline(outline).slides).toEqual([
      { title: "Introduction", text: "who we are\nwhy now", imagePrompt: "" },
      { title: "Results", text: "- up 12%", imagePrompt: "" },
      { title: "Next steps", text: "", imagePrompt: "" },
    ]);
  });

  test("a bulleted list with nested items: top items are slides", () => {
    const outline = ["  - Vision", "      - a city of bridges", "  - Team", "      - six people"].join("\n");
    expect(parseOutline(outline).slides.map(({ title, text }) => ({ title, text }))).toEqual([
      { title: "Vision", text: "- a city of bridges" },
      { title: "Team", text: "- six people" },
    ]);
  });

  test("an empty outline has no slides", () => {
    expect(parseOutline("\n  \n").slides).toEqual([]);
  });
});

describe("preview", () => {
  test("names the limit a slide breaks, with the slide's number", () => {
    const preview = previewOutline(`# Fine\n# ${"x".repeat(201)}`);
    expect(preview.slides).toHaveLength(2);
    expect(preview.problem).toBe("Slide 2: A slide title has at most 200 characters");
  });

  test("refuses more than 100 slides", () => {
    const preview = previewOutline(Array.from({ length: 101 }, (_, index) => `# ${index}`).join("\n"));
    expect(preview.problem).toBe("A deck has at most 100 slides");
  });
});

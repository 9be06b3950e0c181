// Turns a pasted outline or markdown into slides. With markdown headings (`#` to `######`), each
// heading is a slide and the lines below it, up to the next heading, are its text. Without any,
// each line that starts at the left margin is a slide title (a list marker or number before it is
// dropped) and the indented lines below it are its text. In both forms a line `Prompt: …` (or
// `Image prompt: …`) sets the slide's image prompt instead of joining its text. Lines inside code
// fences are text, never headings. Nothing here limits sizes: the deck's schema does that, with
// messages that name the limit.

export interface OutlineSlide {
  title: string;
  text: string;
  imagePrompt: string;
}

export interface ParsedOutline {
  slides: OutlineSlide[];
  /** The first slide's title, as the deck's title when none is given. */
  suggestedTitle: string | null;
  /** What the parser left out, said plainly (text before the first heading). */
  warnings: string[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const EMPTY_HEADING = /^ {0,3}#{1,6}[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const THEMATIC_BREAK = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;
const PROMPT_LINE = /^(?:[-*+][ \t]+)?(?:image[ \t]+)?prompt[ \t]*:[ \t]*(.*)$/i;
const LIST_MARKER = /^(?:[-*+]|\d{1,3}[.)])[ \t]+/;

export function parseOutline(source: string): ParsedOutline {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const headings = markdownHeadingLines(lines);
  return headings.size > 0 ? parseMarkdown(lines, headings) : parseIndentedOutline(lines);
}

/** The indexes of ATX heading lines outside code fences. */
function markdownHeadingLines(lines: string[]): Set<number> {
  const headings = new Set<number>();
  let fence: string | null = null;
  lines.forEach((line, index) => {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1]!;
      else if (fenceMatch[1] === fence) fence = null;
      return;
    }
    if (fence === null && (HEADING.test(line) || EMPTY_HEADING.test(line))) headings.add(index);
  });
  return headings;
}

class SlideBuilder {
  readonly slides: OutlineSlide[] = [];
  private current: { title: string; text: string[]; prompt: string[] } | null = null;

  start(title: string): void {
    this.finish();
    this.current = { title, text: [], prompt: [] };
  }

  get started(): boolean {
    return this.current !== null;
  }

  /** The 1-based number the next slide will have. */
  get nextNumber(): number {
    return this.slides.length + (this.current ? 1 : 0) + 1;
  }

  add(line: string): void {
    const current = this.current;
    if (!current) return;
    const prompt = PROMPT_LINE.exec(line.trim());
    if (prompt) current.prompt.push(prompt[1]!.trim());
    else current.text.push(line);
  }

  finish(): OutlineSlide[] {
    const current = this.current;
    if (current) {
      this.slides.push({
        title: current.title,
        text: tidyText(current.text),
        imagePrompt: current.prompt.filter(Boolean).join(" "),
      });
      this.current = null;
    }
    return this.slides;
  }
}

function parseMarkdown(lines: string[], headings: Set<number>): ParsedOutline {
  const builder = new SlideBuilder();
  let leadingText = false;
  lines.forEach((line, index) => {
    if (headings.has(index)) {
      const title = plainTitle(HEADING.exec(line)?.[2] ?? "");
      builder.start(title || `Slide ${builder.nextNumber}`);
      return;
    }
    if (!builder.started) {
      if (line.trim() && !THEMATIC_BREAK.test(line)) leadingText = true;
      return;
    }
    // A thematic break separates slides in many markdown deck formats; it is not slide text.
    if (THEMATIC_BREAK.test(line)) return;
    builder.add(line);
  });
  return result(builder.finish(), leadingText ? ["The text before the first heading is not part of any slide and was left out."] : []);
}

function parseIndentedOutline(lines: string[]): ParsedOutline {
  const builder = new SlideBuilder();
  const margin = Math.min(...lines.filter((line) => line.trim()).map(indentOf));
  for (const line of lines) {
    if (!line.trim()) {
      builder.add("");
      continue;
    }
    if (indentOf(line) <= margin && !PROMPT_LINE.test(line.trim())) {
      builder.start(plainTitle(line.trim().replace(LIST_MARKER, "")));
      continue;
    }
    builder.add(line);
  }
  return result(builder.finish(), []);
}

function result(slides: OutlineSlide[], warnings: string[]): ParsedOutline {
  return { slides, suggestedTitle: slides[0]?.title ?? null, warnings };
}

function indentOf(line: string): number {
  let width = 0;
  for (const character of line) {
    if (character === " ") width += 1;
    else if (character === "\t") width += 4;
    else break;
  }
  return width;
}

/** A heading's text without inline markdown: emphasis, code ticks and link targets. */
function plainTitle(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(\*|_)(.+?)\1/g, "$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** The slide's text: common indentation removed, blank lines at the ends dropped, runs of blank lines made one. */
function tidyText(lines: string[]): string {
  const filled = lines.filter((line) => line.trim());
  const common = filled.length ? Math.min(...filled.map(indentOf)) : 0;
  const text = lines
    .map((line) => (line.trim() ? stripIndent(line, common).trimEnd() : ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
  return text.trim();
}

function stripIndent(line: string, width: number): string {
  let removed = 0;
  let index = 0;
  while (index < line.length && removed < width) {
    const character = line[index]!;
    if (character === " ") removed += 1;
    else if (character === "\t") removed += 4;
    else break;
    index += 1;
  }
  return line.slice(index);
}

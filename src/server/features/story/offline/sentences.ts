// Sentences and their tagged words, as the story analysis reads them: compromise's terms with their
// surrounding punctuation (pre/post), which the name finder needs to see where a name ends.
import nlp from "compromise";

export interface Token {
  text: string;
  pre: string;
  post: string;
  normal: string;
  tags: Set<string>;
}

export interface Sentence {
  index: number;
  paragraph: number;
  text: string;
  tokens: Token[];
  words: number;
}

export function splitSentences(story: string): Sentence[] {
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

export function isCapitalised(token: Token): boolean {
  return /^\p{Lu}/u.test(token.text);
}

export function breaksAfter(token: Token): boolean {
  // Punctuation after a word (other than a hyphen or an apostrophe) ends a name.
  return /[^\s\-'’]/.test(token.post);
}

export function bareWord(token: Token): string {
  return token.text.replace(/['’]s$/i, "");
}

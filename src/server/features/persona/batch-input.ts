// Reads a batch of persona descriptions as people paste or upload them: one per line, a CSV file
// with a "description" column (and optionally "language"), or JSON (an array of strings or of
// { description, language } objects). Every problem is reported with the line or item it is on.
import { MAX_BATCH_PERSONAS, MAX_DESCRIPTION_CHARACTERS } from "./persona-input";

export type BatchFormat = "lines" | "csv" | "json";

export interface BatchItem {
  /** The line (lines, CSV) or the 1-based item (JSON) it came from. */
  line: number;
  description: string;
  language?: string;
}

export interface BatchProblem {
  line: number;
  message: string;
}

export interface ParsedBatch {
  format: BatchFormat;
  items: BatchItem[];
  problems: BatchProblem[];
}

export function guessFormat(text: string): BatchFormat {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) return "json";
  const firstLine = trimmed.split(/\r?\n/, 1)[0] ?? "";
  return /^\s*"?description"?\s*(,|$)|,\s*"?description"?\s*(,|$)/i.test(firstLine) ? "csv" : "lines";
}

export function parseBatch(text: string, format: BatchFormat = guessFormat(text)): ParsedBatch {
  const parsed = format === "json" ? fromJson(text) : format === "csv" ? fromCsv(text) : fromLines(text);
  const problems = [...parsed.problems];
  const items: BatchItem[] = [];
  for (const item of parsed.items) {
    const description = item.description.trim();
    if (!description) problems.push({ line: item.line, message: "The description is empty" });
    else if (description.length > MAX_DESCRIPTION_CHARACTERS) {
      problems.push({ line: item.line, message: `The description is too long: at most ${MAX_DESCRIPTION_CHARACTERS.toLocaleString("en")} characters` });
    } else if (item.language !== undefined && item.language.trim().length > 40) {
      problems.push({ line: item.line, message: "The language is too long: at most 40 characters" });
    } else items.push({ line: item.line, description, language: item.language?.trim() || undefined });
  }
  if (items.length + problems.length > MAX_BATCH_PERSONAS) {
    problems.push({ line: 0, message: `At most ${MAX_BATCH_PERSONAS} personas in one batch: this one has ${items.length + problems.length}` });
  }
  return { format, items, problems: problems.sort((left, right) => left.line - right.line) };
}

function fromLines(text: string): { items: BatchItem[]; problems: BatchProblem[] } {
  const items = text
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, description: line }))
    .filter((item) => item.description.trim() !== "");
  return { items, problems: [] };
}

function fromJson(text: string): { items: BatchItem[]; problems: BatchProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { items: [], problems: [{ line: 0, message: `This is not valid JSON (${error instanceof Error ? error.message : String(error)})` }] };
  }
  const list = Array.isArray(value) ? value : (value as { personas?: unknown } | null)?.personas;
  if (!Array.isArray(list)) return { items: [], problems: [{ line: 0, message: 'Send a JSON array of descriptions, or an object with a "personas" array' }] };
  const items: BatchItem[] = [];
  const problems: BatchProblem[] = [];
  list.forEach((entry: unknown, index) => {
    const line = index + 1;
    if (typeof entry === "string") items.push({ line, description: entry });
    else if (entry && typeof entry === "object" && typeof (entry as { description?: unknown }).description === "string") {
      const { description, language } = entry as { description: string; language?: unknown };
      if (language !== undefined && typeof language !== "string") problems.push({ line, message: "The language must be text" });
      else items.push({ line, description, ...(typeof language === "string" ? { language } : {}) });
    } else problems.push({ line, message: 'Each item must be a description, or an object with a "description"' });
  });
  return { items, problems };
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else {
        if (character === "\n") line += 1;
        field += character;
      }
    } else if (character === '"' && field === "") quoted = true;
    else if (character === ",") {
      fields.push(field);
      field = "";
    } else if (character === "\n" || character === "\r") {
      if (character === "\r" && text[index + 1] === "\n") index += 1;
      fields.push(field);
      if (fields.some((value) => value.trim() !== "")) records.push({ line: recordLine, fields });
      fields = [];
      field = "";
      line += 1;
      recordLine = line;
    } else field += character;
  }
  fields.push(field);
  if (fields.some((value) => value.trim() !== "")) records.push({ line: recordLine, fields });
  return records;
}

function fromCsv(text: string): { items: BatchItem[]; problems: BatchProblem[] } {
  const [header, ...rows] = csvRecords(text.replace(/^\uFEFF/, ""));
  const columns = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
  const descriptionColumn = columns.indexOf("description");
  if (!header || descriptionColumn === -1) return { items: [], problems: [{ line: 1, message: 'The CSV needs a header row with a "description" column' }] };
  const languageColumn = columns.indexOf("language");
  const items: BatchItem[] = [];
  const problems: BatchProblem[] = [];
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      problems.push({ line: row.line, message: `Expected ${columns.length} columns, found ${row.fields.length}` });
      continue;
    }
    items.push({ line: row.line, description: row.fields[descriptionColumn]!, ...(languageColumn >= 0 ? { language: row.fields[languageColumn] } : {}) });
  }
  return { items, problems };
}

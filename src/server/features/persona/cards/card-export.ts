// A persona as a Character Card: V2 (chara_card_v2 / 2.0) and V3 (chara_card_v3 / 3.0), with every
// V2 data field present even when empty (SillyTavern's validator rejects a card that lacks one).
// Stage 1 → description and personality, its greetings → first_mes and alternate_greetings,
// stage 3 → mes_example, stage 7 → character_book, stages 1, 2, 4, 5, 6 and the posts →
// data.extensions.storyforge. A persona imported from a card keeps the card's own text for every
// field whose stage is still at its imported version, and every field and extension it does not
// know, so import → export gives the card back.
import type { Post, StageData } from "../schemas";
import type { CurrentStages } from "../stage-store";
import { renderDescription, renderMesExample, renderPersonality, renderScenario } from "./card-text";

export type CardObject = Record<string, unknown>;

export const V2_DATA_FIELDS = [
  "name",
  "description",
  "personality",
  "scenario",
  "first_mes",
  "mes_example",
  "creator_notes",
  "system_prompt",
  "post_history_instructions",
  "alternate_greetings",
  "tags",
  "creator",
  "character_version",
  "extensions",
] as const;
const V1_FIELDS = ["name", "description", "personality", "scenario", "first_mes", "mes_example"] as const;

export interface CardInput {
  name: string;
  source: string;
  contentRating: string;
  language: string | null;
  createdAt: Date;
  updatedAt: Date;
  stages: CurrentStages;
  posts: Array<{ data: Post; origin: string }>;
  /** The card the persona was imported from, verbatim; null for a generated persona. */
  importedCard: CardObject | null;
}

const isObject = (value: unknown): value is CardObject => typeof value === "object" && value !== null && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** The imported card's top-level fields and its data (a V1 card keeps its fields at the top). */
export function importedParts(card: CardObject | null): { top: CardObject; data: CardObject } {
  if (!card) return { top: {}, data: {} };
  const { spec: _spec, spec_version: _version, data, ...top } = card;
  return { top, data: isObject(data) ? data : Object.fromEntries(V1_FIELDS.filter((field) => field in card).map((field) => [field, card[field]])) };
}

function lorebook(input: CardInput, imported: CardObject, version: 2 | 3): CardObject | undefined {
  const book = input.stages.book;
  const importedBook = isObject(imported.character_book) ? imported.character_book : undefined;
  const importedEntries = Array.isArray(importedBook?.entries) ? (importedBook.entries as unknown[]).filter(isObject) : [];
  const withV3Fields = (entry: CardObject): CardObject =>
    version === 3 ? { ...entry, use_regex: entry.use_regex ?? false, extensions: isObject(entry.extensions) ? entry.extensions : {} } : entry;
  if (!book) return importedBook ? { ...importedBook, entries: importedEntries.map(withV3Fields) } : undefined;
  if (book.origin === "imported" && importedBook) return { ...importedBook, entries: importedEntries.map(withV3Fields) };
  const entries = (book.data as StageData["book"]).entries.map((entry, index): CardObject => {
    // An edited imported entry keeps the fields we do not edit (other tools' settings, extensions).
    const before = importedEntries[index] ?? {};
    return withV3Fields({
      ...before,
      id: before.id ?? index + 1,
      keys: entry.keys,
      secondary_keys: isStringList(before.secondary_keys) ? before.secondary_keys : [],
      content: entry.content,
      name: entry.name,
      comment: typeof before.comment === "string" && before.comment ? before.comment : entry.name,
      enabled: before.enabled ?? true,
      insertion_order: before.insertion_order ?? index,
      case_sensitive: before.case_sensitive ?? false,
      constant: before.constant ?? false,
      selective: before.selective ?? false,
      priority: before.priority ?? 10,
      position: before.position ?? "before_char",
      extensions: isObject(before.extensions) ? before.extensions : {},
    });
  });
  return { ...(importedBook ?? { name: `${input.name}'s lorebook` }), extensions: isObject(importedBook?.extensions) ? importedBook.extensions : {}, entries };
}

/** The card's data object shared by V2 and V3 (before the V3-only fields). */
function cardData(input: CardInput, version: 2 | 3): CardObject {
  const imported = importedParts(input.importedCard).data;
  const kept = (field: string) => typeof imported[field] === "string" ? (imported[field] as string) : "";
  const fromImport = (stage: keyof CurrentStages) => input.stages[stage]?.origin === "imported";
  const core = input.stages.core?.data as StageData["core"] | undefined;
  const strategy = input.stages.strategy?.data as StageData["strategy"] | undefined;
  const coreImported = fromImport("core");
  const postsImported = input.posts.length > 0 && input.posts.every((post) => post.origin === "imported");
  const greetings = core?.greetings ?? [];

  const storyforge = {
    format: "storyforge-persona",
    version: 1,
    source: input.source,
    contentRating: input.contentRating,
    language: input.language,
    core: core ?? null,
    strategy: strategy ?? null,
    network: input.stages.network?.data ?? null,
    authenticity: input.stages.authenticity?.data ?? null,
    visual: input.stages.visual?.data ?? null,
    posts: input.posts.map((post) => post.data),
  };
  const book = lorebook(input, imported, version);
  const data: CardObject = {
    ...imported,
    name: core?.name ?? (kept("name") || input.name),
    description: core && !coreImported ? renderDescription(core) : kept("description"),
    personality: core && !coreImported ? renderPersonality(core) : kept("personality"),
    scenario: strategy && !fromImport("strategy") ? renderScenario(core?.name ?? input.name, strategy) : kept("scenario"),
    first_mes: core && !coreImported ? (greetings[0] ?? "") : kept("first_mes"),
    mes_example: input.posts.length && !postsImported ? renderMesExample(input.posts.map((post) => post.data)) : kept("mes_example"),
    creator_notes:
      "creator_notes" in imported ? kept("creator_notes") : `Made with Storyforge from a ${input.source}. Content rating: ${input.contentRating}.`,
    system_prompt: kept("system_prompt"),
    post_history_instructions: kept("post_history_instructions"),
    alternate_greetings: core && !coreImported ? greetings.slice(1) : isStringList(imported.alternate_greetings) ? imported.alternate_greetings : [],
    tags: isStringList(imported.tags) ? imported.tags : (core?.interests ?? []).slice(0, 10),
    creator: "creator" in imported ? kept("creator") : "Storyforge",
    character_version: "character_version" in imported ? kept("character_version") : "1",
    extensions: { ...(isObject(imported.extensions) ? imported.extensions : {}), storyforge },
  };
  if (book) data.character_book = book;
  else delete data.character_book;
  return data;
}

/** The top level of the imported card, with V1 mirror fields brought in line with the data. */
function topLevel(input: CardInput, data: CardObject): CardObject {
  const { top } = importedParts(input.importedCard);
  for (const field of V1_FIELDS) if (field in top) top[field] = data[field];
  return top;
}

export function toCardV2(input: CardInput): CardObject {
  const data = cardData(input, 2);
  return { ...topLevel(input, data), spec: "chara_card_v2", spec_version: "2.0", data };
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function toCardV3(input: CardInput): CardObject {
  const data = cardData(input, 3);
  const imported = importedParts(input.importedCard).data;
  data.group_only_greetings = isStringList(imported.group_only_greetings) ? imported.group_only_greetings : [];
  data.creation_date = typeof imported.creation_date === "number" ? imported.creation_date : unixSeconds(input.createdAt);
  data.modification_date = unixSeconds(input.updatedAt);
  return { ...topLevel(input, data), spec: "chara_card_v3", spec_version: "3.0", data };
}

// The fields of every persona stage, as data: the stage's edit form and its read-only view are
// both drawn from these, so every field of a stage's shape (docs/personas.md) can be seen and
// edited, lists as lists. The limits mirror the server's schemas, which check every edit again.
import type { RouterOutputs } from "@/trpc/router-types";

export type PersonaView = RouterOutputs["persona"]["get"];
export type ObjectStage = keyof PersonaView["stages"];
export type PostData = NonNullable<PersonaView["posts"]["items"][number]["current"]>["data"];

export type FieldSpec =
  /** `inline` fields are short facts shown side by side; `rows` > 1 makes a text area. */
  | { kind: "text"; key: string; label: string; max: number; rows?: number; inline?: boolean; required?: boolean }
  | { kind: "age"; key: string; label: string; inline: true }
  /** A list of short texts; `chips` shows them as tags. */
  | { kind: "list"; key: string; label: string; itemLabel: string; max: number; itemMax: number; chips?: boolean; rows?: number; min?: number }
  /** A list of small records, each with its own fields (the first is the item's title). */
  | { kind: "objects"; key: string; label: string; itemLabel: string; max: number; min?: number; fields: FieldSpec[] };

export type StageValue = Record<string, unknown>;

const text = (key: string, label: string, max: number, extra: { rows?: number; inline?: boolean; required?: boolean } = {}): FieldSpec => ({
  kind: "text",
  key,
  label,
  max,
  ...extra,
});

export const STAGE_FIELDS: Record<ObjectStage | "post", FieldSpec[]> = {
  core: [
    text("name", "Name", 80, { inline: true, required: true }),
    { kind: "age", key: "age", label: "Age", inline: true },
    text("pronouns", "Pronouns", 30, { inline: true }),
    text("occupation", "Occupation", 120, { inline: true }),
    text("location", "Location", 120, { inline: true }),
    text("identity", "Identity", 800, { rows: 3 }),
    text("appearance", "Appearance", 1000, { rows: 3 }),
    { kind: "list", key: "personalityTraits", label: "Personality traits", itemLabel: "trait", max: 12, itemMax: 60, chips: true },
    text("backstory", "Backstory", 10_000, { rows: 6 }),
    { kind: "list", key: "interests", label: "Interests", itemLabel: "interest", max: 12, itemMax: 80, chips: true },
    { kind: "list", key: "values", label: "Values", itemLabel: "value", max: 8, itemMax: 80, chips: true },
    text("speechStyle", "Speech style", 600, { rows: 2 }),
    { kind: "list", key: "greetings", label: "Greetings (the first opens a chat)", itemLabel: "greeting", max: 4, itemMax: 4000, rows: 3 },
  ],
  strategy: [
    text("tone", "Tone", 300, { inline: true }),
    text("cadence", "Cadence", 200, { inline: true }),
    text("summary", "Summary", 800, { rows: 3 }),
    {
      kind: "objects",
      key: "platforms",
      label: "Platforms",
      itemLabel: "platform",
      min: 1,
      max: 5,
      fields: [text("name", "Platform", 40, { required: true }), text("handle", "Handle", 40), text("why", "Why", 300, { rows: 2 })],
    },
    {
      kind: "objects",
      key: "topics",
      label: "Topics",
      itemLabel: "topic",
      min: 1,
      max: 10,
      fields: [text("name", "Topic", 80, { required: true }), text("angle", "Angle", 300, { rows: 2 })],
    },
    { kind: "list", key: "hashtags", label: "Hashtags", itemLabel: "hashtag", max: 15, itemMax: 40, chips: true },
    { kind: "list", key: "avoid", label: "Avoid", itemLabel: "thing to avoid", max: 8, itemMax: 200 },
  ],
  post: [
    text("platform", "Platform", 40, { inline: true, required: true }),
    text("topic", "Topic", 80, { inline: true }),
    text("text", "Text", 4000, { rows: 5, required: true }),
    { kind: "list", key: "hashtags", label: "Hashtags", itemLabel: "hashtag", max: 8, itemMax: 40, chips: true },
    text("imageIdea", "Picture idea", 300, { rows: 2 }),
  ],
  network: [
    text("summary", "Summary", 800, { rows: 3 }),
    {
      kind: "objects",
      key: "relationships",
      label: "Relationships",
      itemLabel: "relationship",
      max: 10,
      fields: [text("name", "Name", 80, { required: true }), text("relation", "Relation", 80, { required: true }), text("description", "Description", 400, { rows: 2 })],
    },
    { kind: "list", key: "communities", label: "Communities", itemLabel: "community", max: 8, itemMax: 120, chips: true },
  ],
  authenticity: [
    { kind: "list", key: "quirks", label: "Quirks", itemLabel: "quirk", max: 8, itemMax: 200 },
    { kind: "list", key: "flaws", label: "Flaws", itemLabel: "flaw", max: 8, itemMax: 200 },
    { kind: "list", key: "contradictions", label: "Contradictions", itemLabel: "contradiction", max: 6, itemMax: 200 },
    { kind: "list", key: "verbalTics", label: "Verbal tics", itemLabel: "verbal tic", max: 8, itemMax: 120, chips: true },
  ],
  visual: [
    text("style", "Style", 200, { inline: true }),
    text("appearance", "Appearance", 1000, { rows: 3 }),
    { kind: "list", key: "features", label: "Features", itemLabel: "feature", max: 12, itemMax: 120, chips: true },
    { kind: "list", key: "palette", label: "Palette", itemLabel: "colour", max: 6, itemMax: 40, chips: true },
    text("avatarPrompt", "Avatar prompt", 1500, { rows: 4, required: true }),
    text("negativePrompt", "Negative prompt", 400, { rows: 2 }),
  ],
  book: [
    {
      kind: "objects",
      key: "entries",
      label: "Lorebook entries",
      itemLabel: "entry",
      max: 200,
      fields: [
        text("name", "Name", 80),
        { kind: "list", key: "keys", label: "Keys", itemLabel: "key", min: 1, max: 8, itemMax: 60, chips: true },
        text("content", "Content", 4000, { rows: 4, required: true }),
      ],
    },
  ],
};

/** An empty item for an "objects" field: every text empty, every list empty. */
export function blankItem(fields: FieldSpec[]): StageValue {
  return Object.fromEntries(fields.map((field) => [field.key, field.kind === "text" ? "" : field.kind === "age" ? null : []]));
}

/**
 * What is sent when a form is saved: texts trimmed, empty list items dropped, an empty age null.
 * The server checks the result against the stage's schema and names the field it refuses.
 */
export function cleanValue(fields: FieldSpec[], value: StageValue): StageValue {
  const cleaned: StageValue = { ...value };
  for (const field of fields) {
    const current = value[field.key];
    if (field.kind === "text") cleaned[field.key] = String(current ?? "").trim();
    else if (field.kind === "age") cleaned[field.key] = current === null || current === "" || current === undefined ? null : Number(current);
    else if (field.kind === "list") cleaned[field.key] = asArray(current).map((item) => String(item ?? "").trim()).filter(Boolean);
    else cleaned[field.key] = asArray(current).map((item) => cleanValue(field.fields, (item ?? {}) as StageValue));
  }
  return cleaned;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A refused field's path as the server names it ("data.interests.2"), without the "data." prefix. */
export function fieldPath(field: string | null | undefined): string | null {
  if (!field) return null;
  return field.replace(/^data\.?/, "") || null;
}

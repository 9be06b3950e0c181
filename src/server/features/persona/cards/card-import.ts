// Reads a V1, V2 or V3 character card (its JSON) into persona stages. The card itself is kept
// verbatim on the persona, so the fields and extensions Storyforge has no stage for come back out
// on export. A card exported by Storyforge brings its stages back from data.extensions.storyforge.
import { AppError } from "@/server/errors";
import { limit } from "../offline/text";
import { readDescription } from "../offline/description-reader";
import {
  authenticitySchema,
  bookSchema,
  coreSchema,
  networkSchema,
  postSchema,
  strategySchema,
  visualSchema,
  type Book,
  type Core,
  type Post,
  type StageData,
} from "../schemas";
import { importedParts, type CardObject } from "./card-export";

export interface ImportedPersona {
  spec: "v1" | "v2" | "v3";
  card: CardObject;
  name: string;
  /** The card's description, kept so stage 1 can be generated again from it. */
  description: string;
  stages: Partial<StageData>;
  posts: Post[];
}

const NOT_A_CARD = "This is not a character card: expected a V1, V2 or V3 card (JSON, or a PNG with a chara or ccv3 chunk)";

export function parseCardJson(text: string): CardObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", NOT_A_CARD);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError("BAD_REQUEST", NOT_A_CARD);
  return value as CardObject;
}

function specOf(card: CardObject): ImportedPersona["spec"] {
  if (card.spec === "chara_card_v3" && typeof card.data === "object" && card.data !== null) return "v3";
  if (card.spec === "chara_card_v2" && typeof card.data === "object" && card.data !== null) return "v2";
  if (card.spec === undefined && typeof card.name === "string") return "v1";
  throw new AppError("BAD_REQUEST", NOT_A_CARD);
}

const text = (value: unknown) => (typeof value === "string" ? value : "");
const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item.trim() !== "") : []);

/** "brave, kind, a little vain" becomes traits; prose stays prose. */
function traitsFrom(personality: string): string[] | undefined {
  const parts = personality.split(/[,;\n]/).map((part) => part.trim()).filter(Boolean);
  return parts.length > 1 && parts.length <= 12 && parts.every((part) => part.length <= 60) ? parts : undefined;
}

function coreFrom(data: CardObject, name: string): Core {
  const description = text(data.description);
  const personality = text(data.personality);
  const traits = traitsFrom(personality);
  const facts = readDescription(`${description}\n${personality}`);
  return coreSchema.parse({
    name: limit(name, 80),
    age: facts.age ?? null,
    pronouns: facts.pronouns ?? "",
    occupation: facts.occupation ?? "",
    location: facts.location ?? "",
    identity: traits ? "" : limit(personality, 800),
    appearance: "",
    personalityTraits: traits ?? [],
    backstory: limit(description, 10_000),
    interests: [],
    values: [],
    speechStyle: "",
    greetings: [text(data.first_mes), ...strings(data.alternate_greetings)].filter((greeting) => greeting.trim()).slice(0, 4).map((greeting) => limit(greeting, 4000)),
  });
}

function postsFrom(mesExample: string): Post[] {
  return mesExample
    .split(/<START>/i)
    .map((block) => block.trim())
    .filter(Boolean)
    .slice(0, 30)
    .map((block) => postSchema.parse({ platform: "Chat", topic: "", text: limit(block, 4000), hashtags: [], imageIdea: "" }));
}

function bookFrom(book: unknown): Book | undefined {
  const entries = typeof book === "object" && book !== null && Array.isArray((book as { entries?: unknown }).entries) ? ((book as { entries: unknown[] }).entries as CardObject[]) : [];
  if (!entries.length) return undefined;
  return bookSchema.parse({
    entries: entries.slice(0, 200).map((entry, index) => {
      const name = limit(text(entry.name) || text(entry.comment), 80);
      const keys = strings(entry.keys).map((key) => limit(key, 60)).slice(0, 8);
      return { name, keys: keys.length ? keys : [limit(name || `entry ${index + 1}`, 60)], content: limit(text(entry.content) || "(empty)", 4000) };
    }),
  });
}

/** Storyforge's own stages from a card it exported, each only when it still fits its schema. */
function storyforgeStages(data: CardObject): { stages: Partial<StageData>; posts?: Post[] } {
  const extensions = typeof data.extensions === "object" && data.extensions !== null ? (data.extensions as CardObject) : {};
  const ours = typeof extensions.storyforge === "object" && extensions.storyforge !== null ? (extensions.storyforge as CardObject) : {};
  const stages: Partial<StageData> = {};
  const read = <Stage extends keyof StageData>(stage: Stage, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }) => {
    const parsed = schema.safeParse(ours[stage]);
    if (parsed.success) stages[stage] = parsed.data as StageData[Stage];
  };
  read("core", coreSchema);
  read("strategy", strategySchema);
  read("network", networkSchema);
  read("authenticity", authenticitySchema);
  read("visual", visualSchema);
  const posts = Array.isArray(ours.posts) ? ours.posts.map((post) => postSchema.safeParse(post)) : [];
  return { stages, posts: posts.length && posts.every((post) => post.success) ? posts.map((post) => post.data!) : undefined };
}

export function cardToPersona(card: CardObject): ImportedPersona {
  const spec = specOf(card);
  const { data } = importedParts(card);
  const name = text(data.name).trim() || text(card.name).trim();
  if (!name) throw new AppError("BAD_REQUEST", "This card has no name: a character card needs one");
  const ours = storyforgeStages(data);
  const book = bookFrom(data.character_book);
  return {
    spec,
    card,
    name: limit(name, 80),
    description: limit(text(data.description), 5000),
    stages: { core: coreFrom(data, name), ...ours.stages, ...(book ? { book } : {}) },
    posts: ours.posts ?? postsFrom(text(data.mes_example)),
  };
}

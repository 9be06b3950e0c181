// Character cards: the V2 export passes the checks of SillyTavern's TavernCardValidator (every data
// field, the types, the character book), the V3 fields are there, the PNG carries both chunks, and
// import → export keeps what Storyforge does not know (unknown fields, other tools' extensions).
import extractChunks from "png-chunks-extract";
import * as pngText from "png-chunk-text";
import sharp from "sharp";
import { afterAll } from "vitest";
import { handleCardExport, handleCardImport } from "@/server/api/persona-routes";
import { readCardPng, writeCardPng } from "@/server/features/persona/cards/png-card";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createPersonaTestServices, type PersonaTestServices } from "../helpers/persona-services";

type Card = { spec?: string; spec_version?: string; data: Record<string, unknown> } & Record<string, unknown>;

let database: TestDatabase;
let testServices: PersonaTestServices;
let alice: TestUser;
let personaId: string;

test.beforeAll(async ({ database: fileDatabase, alice: owner }) => {
  [database, alice] = [fileDatabase, owner];
  testServices = createPersonaTestServices({ db: database.db });
  const created = await testServices.caller(alice).persona.createFromDescription({
    description: "Tess Brennan, 36, a lighthouse keeper on the Irish coast who loves knitting, storms and ghost stories. Calm and stubborn.",
    options: { postCount: 3, lorebookEntryCount: 4 },
  });
  await testServices.services.engine.waitForRun(created.runId);
  personaId = created.personaId;
});
afterAll(async () => {
  await testServices?.close();
});

const session = () => ({ userId: alice.id, activeTeamId: alice.teamId });
async function exported(format: "v2" | "v3" | "png", id = personaId) {
  const response = await handleCardExport(testServices.services, session(), id, new Request(`http://127.0.0.1/?format=${format}`));
  expect(response.status).toBe(200);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}
const json = async (format: "v2" | "v3", id = personaId) => JSON.parse((await exported(format, id)).bytes.toString("utf8")) as Card;

async function importFile(bytes: Buffer | string, name = "card.json") {
  const form = new FormData();
  form.append("file", new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name));
  const response = await handleCardImport(testServices.services, session(), new Request("http://127.0.0.1/", { method: "POST", body: form }));
  return { status: response.status, body: (await response.json()) as { personaId?: string; spec?: string; error?: string } };
}

/** SillyTavern's TavernCardValidator.validateV2(), rewritten as a list of what fails. */
function tavernV2Problems(card: Card): string[] {
  const problems: string[] = [];
  if (card.spec !== "chara_card_v2") problems.push("spec");
  if (card.spec_version !== "2.0") problems.push("spec_version");
  const data = card.data;
  if (!data) return [...problems, "No tavern card data found"];
  const required = ["name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt", "post_history_instructions", "alternate_greetings", "tags", "creator", "character_version", "extensions"];
  for (const field of required) if (!Object.hasOwn(data, field)) problems.push(`data.${field}`);
  if (!Array.isArray(data.alternate_greetings)) problems.push("alternate_greetings is not an array");
  if (!Array.isArray(data.tags)) problems.push("tags is not an array");
  if (typeof data.extensions !== "object") problems.push("extensions is not an object");
  const book = data.character_book as Record<string, unknown> | undefined;
  if (book) {
    for (const field of ["extensions", "entries"]) if (!Object.hasOwn(book, field)) problems.push(`data.character_book.${field}`);
    if (!Array.isArray(book.entries)) problems.push("entries is not an array");
    if (typeof book.extensions !== "object") problems.push("book extensions is not an object");
  }
  return problems;
}

describe("exported cards", () => {
  test("V2 passes SillyTavern's validator, with the spec's types for every field", async () => {
    const card = await json("v2");
    expect(tavernV2Problems(card)).toEqual([]);
    const { data } = card;
    for (const field of ["name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt", "post_history_instructions", "creator", "character_version"]) {
      expect(typeof data[field], field).toBe("string");
    }
    expect((data.tags as unknown[]).every((tag) => typeof tag === "string")).toBe(true);
    expect((data.alternate_greetings as unknown[]).every((greeting) => typeof greeting === "string")).toBe(true);
    const book = data.character_book as { entries: Array<Record<string, unknown>>; extensions: object };
    expect(book.entries).toHaveLength(4);
    for (const entry of book.entries) {
      expect(entry).toMatchObject({ enabled: true, extensions: {}, insertion_order: expect.any(Number), id: expect.any(Number), content: expect.any(String) });
      expect((entry.keys as unknown[]).length).toBeGreaterThan(0);
      expect((entry.keys as unknown[]).every((key) => typeof key === "string")).toBe(true);
    }
  });

  test("maps the stages onto the card's fields", async () => {
    const card = await json("v2");
    const persona = await testServices.caller(alice).persona.get({ personaId });
    const core = persona.stages.core.current!.data;
    expect(card.data.name).toBe("Tess Brennan");
    expect(card.data.description).toContain(core.identity);
    expect(card.data.description).toContain(core.backstory);
    expect(card.data.personality).toContain(core.personalityTraits[0]);
    expect(card.data.first_mes).toBe(core.greetings[0]);
    expect(card.data.alternate_greetings).toEqual(core.greetings.slice(1));
    expect((card.data.mes_example as string).match(/<START>\n\{\{char\}\}: /g)).toHaveLength(3);
    expect(card.data.mes_example).toContain(persona.posts.items[0]!.current!.data.text);
    expect((card.data.character_book as { entries: Array<{ content: string }> }).entries.map((entry) => entry.content)).toEqual(
      persona.stages.book.current!.data.entries.map((entry) => entry.content),
    );
    expect((card.data.extensions as { storyforge: Record<string, unknown> }).storyforge).toMatchObject({
      strategy: persona.stages.strategy.current!.data,
      network: persona.stages.network.current!.data,
      authenticity: persona.stages.authenticity.current!.data,
      visual: persona.stages.visual.current!.data,
      posts: persona.posts.items.map((post) => post.current!.data),
    });
  });

  test("V3 has its spec, group-only greetings and dates", async () => {
    const card = await json("v3");
    expect(card).toMatchObject({ spec: "chara_card_v3", spec_version: "3.0" });
    expect(card.data.group_only_greetings).toEqual([]);
    expect(Number.isInteger(card.data.creation_date)).toBe(true);
    expect(card.data.modification_date).toBeGreaterThanOrEqual(card.data.creation_date as number);
    expect(Math.abs((card.data.modification_date as number) - Date.now() / 1000)).toBeLessThan(600);
    for (const entry of (card.data.character_book as { entries: Array<Record<string, unknown>> }).entries) expect(entry.use_regex).toBe(false);
    expect(tavernV2Problems({ ...card, spec: "chara_card_v2", spec_version: "2.0" })).toEqual([]);
  });

  test("the PNG card is the avatar with uncompressed chara (V2) and ccv3 (V3) chunks before IEND", async () => {
    const { response, bytes } = await exported("png");
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tess-brennan.png"');
    expect((await sharp(bytes).metadata()).width).toBe(1024);
    const chunks = extractChunks(bytes);
    const texts = chunks.flatMap((chunk, index) => (chunk.name === "tEXt" ? [{ index, ...pngText.decode(chunk.data) }] : []));
    expect(texts.map((text) => text.keyword)).toEqual(["chara", "ccv3"]);
    expect(texts.every((text) => text.index < chunks.length - 1)).toBe(true);
    expect(chunks.at(-1)!.name).toBe("IEND");
    expect(chunks.some((chunk) => chunk.name === "zTXt" || chunk.name === "iTXt")).toBe(false);
    const decode = (keyword: string) => JSON.parse(Buffer.from(texts.find((text) => text.keyword === keyword)!.text, "base64").toString("utf8")) as Card;
    expect(decode("chara")).toEqual(await json("v2"));
    expect(decode("ccv3")).toMatchObject({ spec: "chara_card_v3", data: { name: "Tess Brennan" } });
    expect(readCardPng(bytes)).toBe(JSON.stringify(decode("ccv3")));
  });

  test("writing a card again replaces the old chunks instead of adding more", async () => {
    const { bytes } = await exported("png");
    const again = writeCardPng(bytes, { v2: { spec: "chara_card_v2", data: { name: "Other" } }, v3: { spec: "chara_card_v3", data: { name: "Other" } } });
    const keywords = extractChunks(again).filter((chunk) => chunk.name === "tEXt").map((chunk) => pngText.decode(chunk.data).keyword);
    expect(keywords).toEqual(["chara", "ccv3"]);
    expect(JSON.parse(readCardPng(again)!)).toMatchObject({ data: { name: "Other" } });
  });

  test("a persona without an avatar gets a placeholder picture", async () => {
    const created = await testServices.caller(alice).persona.createFromDescription({ description: "A calm archivist", options: { postCount: 1, avatar: false } });
    await testServices.services.engine.waitForRun(created.runId);
    const { bytes } = await exported("png", created.personaId);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 400, height: 600 });
    expect(readCardPng(bytes)).toContain("chara_card_v3");
  });
});

const FOREIGN_V2 = {
  spec: "chara_card_v2",
  spec_version: "2.0",
  x_top_level: { kept: true },
  data: {
    name: "Captain Vell",
    description: "{{char}} is a retired sky-pirate who runs a tea shop in a floating city.",
    personality: "gruff, kind, secretly sentimental",
    scenario: "{{user}} walks into the tea shop during a storm.",
    first_mes: "*wipes a cup* We're closed. ...Fine. Sit.",
    mes_example: "<START>\n{{user}}: Nice ship.\n{{char}}: Was. Now it's a teapot.",
    creator_notes: "Works best with a slow-burn story.",
    system_prompt: "Stay in character.",
    post_history_instructions: "Keep replies short.",
    alternate_greetings: ["Storm's bad. Tea's good."],
    tags: ["fantasy", "sky pirates"],
    creator: "someone else",
    character_version: "3.2",
    x_data_field: [1, 2, 3],
    extensions: { talkativeness: "0.4", fav: false, depth_prompt: { prompt: "Vell hates liars.", depth: 4, role: "system" }, other_tool: { seed: 42, nested: { list: ["a"] } } },
    character_book: {
      name: "Vell's world",
      scan_depth: 3,
      extensions: { other_tool_book: true },
      entries: [
        { id: 7, keys: ["teapot"], secondary_keys: ["ship"], content: "The teapot was once a ship.", enabled: true, insertion_order: 100, selective: true, constant: false, position: "after_char", extensions: { display_index: 0, probability: 80 }, x_entry_field: "kept" },
      ],
    },
  },
};

describe("imported cards", () => {
  test("a V2 card becomes a persona and comes back out with every field and extension it had", async () => {
    const { status, body } = await importFile(JSON.stringify(FOREIGN_V2));
    expect(status).toBe(200);
    expect(body.spec).toBe("v2");
    const persona = await testServices.caller(alice).persona.get({ personaId: body.personaId! });
    expect(persona).toMatchObject({ name: "Captain Vell", source: "card", imported: true });
    expect(persona.stages.core.current).toMatchObject({ origin: "imported", data: { personalityTraits: ["gruff", "kind", "secretly sentimental"] } });
    expect(persona.stages.book.current!.data.entries[0]).toMatchObject({ keys: ["teapot"], content: "The teapot was once a ship." });

    const v2 = await json("v2", body.personaId);
    const { storyforge, ...extensions } = v2.data.extensions as Record<string, unknown>;
    expect(storyforge).toMatchObject({ format: "storyforge-persona" });
    expect({ ...v2, data: { ...v2.data, extensions } }).toEqual(FOREIGN_V2);

    const v3 = await json("v3", body.personaId);
    expect(v3.x_top_level).toEqual({ kept: true });
    expect(v3.data).toMatchObject({ x_data_field: [1, 2, 3], extensions: FOREIGN_V2.data.extensions, group_only_greetings: [] });
    expect((v3.data.character_book as { entries: object[]; extensions: object }).entries[0]).toEqual({ ...FOREIGN_V2.data.character_book.entries[0], use_regex: false });
  });

  test("an edited stage is written from the persona again, and the rest of the card stays", async () => {
    const { body } = await importFile(JSON.stringify(FOREIGN_V2));
    const caller = testServices.caller(alice);
    const book = (await caller.persona.get({ personaId: body.personaId! })).stages.book.current!.data;
    await caller.persona.updateStage({ personaId: body.personaId!, stage: "book", data: { entries: [{ ...book.entries[0]!, content: "The teapot flies." }] } });
    const v2 = await json("v2", body.personaId);
    const [entry] = (v2.data.character_book as { entries: Array<Record<string, unknown>> }).entries;
    expect(entry).toMatchObject({ content: "The teapot flies.", id: 7, secondary_keys: ["ship"], x_entry_field: "kept", extensions: { display_index: 0, probability: 80 } });
    expect(v2.data.description).toBe(FOREIGN_V2.data.description);
    expect((v2.data.extensions as Record<string, unknown>).other_tool).toEqual(FOREIGN_V2.data.extensions.other_tool);
  });

  test("V1 JSON and V3 cards import too; a PNG card prefers its ccv3 chunk and gives the avatar", async () => {
    const v1 = await importFile(JSON.stringify({ name: "Old Timer", description: "A V1 card.", personality: "", scenario: "", first_mes: "Howdy.", mes_example: "" }));
    expect(v1).toMatchObject({ status: 200, body: { spec: "v1" } });
    expect(tavernV2Problems(await json("v2", v1.body.personaId))).toEqual([]);

    const picture = await sharp({ create: { width: 300, height: 450, channels: 3, background: "#335577" } }).png().toBuffer();
    const png = writeCardPng(picture, { v2: { ...FOREIGN_V2, data: { ...FOREIGN_V2.data, name: "From chara" } }, v3: { ...FOREIGN_V2, spec: "chara_card_v3", spec_version: "3.0", data: { ...FOREIGN_V2.data, name: "From ccv3" } } });
    const imported = await importFile(png, "card.png");
    expect(imported).toMatchObject({ status: 200, body: { spec: "v3" } });
    const persona = await testServices.caller(alice).persona.get({ personaId: imported.body.personaId! });
    expect(persona.name).toBe("From ccv3");
    expect(persona.avatar.imageId).not.toBeNull();
    const card = await exported("png", imported.body.personaId);
    expect(await sharp(card.bytes).metadata()).toMatchObject({ width: 300, height: 450 });
  });

  test("a Storyforge card brings back all of its stages", async () => {
    const { bytes } = await exported("png");
    const { body } = await importFile(bytes, "tess.png");
    const original = await testServices.caller(alice).persona.get({ personaId });
    const copy = await testServices.caller(alice).persona.get({ personaId: body.personaId! });
    for (const stage of ["core", "strategy", "network", "authenticity", "visual", "book"] as const) {
      expect(copy.stages[stage].current!.data, stage).toEqual(original.stages[stage].current!.data);
    }
    expect(copy.posts.items.map((post) => post.current!.data)).toEqual(original.posts.items.map((post) => post.current!.data));
  });

  test("refuses what is not a card", async () => {
    expect(await importFile('{"hello": "world"}')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/not a character card/) } });
    expect(await importFile("not json")).toMatchObject({ status: 400 });
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toBuffer();
    expect(await importFile(plain, "x.png")).toMatchObject({ status: 400, body: { error: expect.stringMatching(/no character card/) } });
  });
});

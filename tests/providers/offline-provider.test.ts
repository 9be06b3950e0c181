// The offline provider on the two sample stories, through the same stage messages the app sends.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { z } from "zod";
import { parseEnv } from "@/server/env";
import { scenePromptSchema, storyAnalysisSchema, type StoryAnalysis } from "@/server/features/story/schemas";
import { buildAnalysisMessages, buildScenePromptMessages, SCENE_PROMPT, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import { storyOfflineResponders } from "@/server/features/story/story-offline";
import { createProviders } from "@/server/providers/create-providers";

const providers = createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: storyOfflineResponders });
const story = (name: string) => fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/stories", `${name}.txt`), "utf8");

async function analyse(name: string, sceneCount?: number): Promise<StoryAnalysis> {
  const result = await providers.text.generateObject({
    name: STORY_ANALYSIS,
    schema: storyAnalysisSchema,
    messages: buildAnalysisMessages({ story: story(name), sceneCount }),
  });
  expect(result.model).toBe("offline-text");
  return result.object;
}

const names = (analysis: StoryAnalysis) => analysis.characters.map((character) => character.name);
const traitsOf = (analysis: StoryAnalysis, name: string) => analysis.characters.find((character) => character.name === name)?.visualTraits ?? [];

describe("offline story analysis", () => {
  it("finds the named characters of the lighthouse story and no places among them", async () => {
    const analysis = await analyse("lighthouse-keeper");
    expect(names(analysis)).toEqual(expect.arrayContaining(["Maren Holt", "Pip Calloway", "Elias Brook"]));
    for (const place of ["Gull Point", "Saltmere"]) expect(names(analysis)).not.toContain(place);
    expect(traitsOf(analysis, "Maren Holt")).toEqual(expect.arrayContaining(["grey wool coat", "red scarf"]));
    expect(traitsOf(analysis, "Pip Calloway")).toEqual(expect.arrayContaining(["yellow oilskin jacket"]));
    expect(traitsOf(analysis, "Elias Brook")).toEqual(expect.arrayContaining(["silver beard"]));
  });

  it("finds the named characters of the clock market story, joining short forms to full names", async () => {
    const analysis = await analyse("market-of-clocks");
    expect(names(analysis)).toEqual(expect.arrayContaining(["Ada Quill", "Juniper Fox", "Count Orrin Vale"]));
    for (const name of ["Ada", "Juniper", "Orrin Vale", "Vellichor", "Lantern Street", "Saint Brannock"]) expect(names(analysis)).not.toContain(name);
    expect(traitsOf(analysis, "Ada Quill")).toEqual(expect.arrayContaining(["round spectacles", "green velvet waistcoat"]));
    expect(traitsOf(analysis, "Juniper Fox")).toEqual(expect.arrayContaining(["curly red hair"]));
  });

  it.each([1, 3, 4, 9, 30])("returns exactly %i scenes when asked", async (count) => {
    const analysis = await analyse("market-of-clocks", count);
    expect(analysis.scenes).toHaveLength(count);
    expect(new Set(analysis.scenes.map((scene) => scene.title)).size).toBe(count);
  });

  it("chooses a scene count from the story when none is given, and keeps scenes in story order", async () => {
    const analysis = await analyse("lighthouse-keeper");
    expect(analysis.scenes.length).toBeGreaterThanOrEqual(3);
    expect(analysis.scenes.length).toBeLessThanOrEqual(10);
    const text = story("lighthouse-keeper").replace(/\s+/g, " ");
    const positions = analysis.scenes.map((scene) => text.indexOf(scene.summary.split(". ")[0]!.slice(0, 40)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((left, right) => left - right)).toEqual(positions);
  });

  it("gives each scene a setting, a mood and only characters from the character list", async () => {
    const analysis = await analyse("lighthouse-keeper", 6);
    const known = new Set(names(analysis));
    for (const scene of analysis.scenes) {
      expect(scene.setting.length).toBeGreaterThan(0);
      expect(scene.mood.length).toBeGreaterThan(0);
      for (const name of scene.charactersPresent) expect(known.has(name)).toBe(true);
    }
    expect(analysis.scenes[0]!.setting).toContain("Gull Point");
    expect(analysis.scenes[0]!.charactersPresent).toContain("Maren Holt");
    const storm = analysis.scenes.find((scene) => scene.summary.includes("The storm came at midnight"));
    expect(storm?.mood).toBe("tense");
    expect(analysis.scenes.some((scene) => scene.charactersPresent.includes("Pip Calloway"))).toBe(true);
  });

  it("answers the same story the same way every time", async () => {
    expect(await analyse("market-of-clocks", 5)).toEqual(await analyse("market-of-clocks", 5));
  });
});

describe("offline scene prompts", () => {
  it("describes each character with the same traits in every scene", async () => {
    const analysis = await analyse("lighthouse-keeper", 5);
    const prompts = await Promise.all(
      analysis.scenes.map((scene) =>
        providers.text.generateObject({
          name: SCENE_PROMPT,
          schema: scenePromptSchema,
          messages: buildScenePromptMessages({ scene, characters: analysis.characters, style: "watercolour, soft edges" }),
        }),
      ),
    );
    const maren = analysis.characters.find((character) => character.name === "Maren Holt")!;
    const marenText = `Maren Holt (${maren.visualTraits.join(", ")})`;
    prompts.forEach((prompt, index) => {
      const scene = analysis.scenes[index]!;
      expect(prompt.object.charactersInScene).toEqual(scene.charactersPresent);
      expect(prompt.object.imagePrompt).toContain(scene.title);
      expect(prompt.object.imagePrompt.toLowerCase()).toContain("watercolour");
      expect(prompt.object.styleTags).toContain("watercolour");
      if (scene.charactersPresent.includes("Maren Holt")) expect(prompt.object.imagePrompt).toContain(marenText);
    });
    expect(new Set(prompts.map((prompt) => prompt.object.imagePrompt)).size).toBe(prompts.length);
  });

  it("answers other object kinds with a schema-valid object", async () => {
    const personaSchema = z.object({
      name: z.string().min(2).max(40),
      age: z.int().min(18).max(90),
      tone: z.enum(["warm", "dry", "playful"]),
      interests: z.array(z.string()).min(3).max(5),
      links: z.array(z.object({ network: z.string(), followers: z.number().nonnegative() })).min(1),
    });
    const first = await providers.text.generateObject({ name: "core-persona", schema: personaSchema, messages: [{ role: "user", content: "A baker." }] });
    expect(personaSchema.safeParse(first.object).success).toBe(true);
    const again = await providers.text.generateObject({ name: "core-persona", schema: personaSchema, messages: [{ role: "user", content: "A baker." }] });
    expect(again.object).toEqual(first.object);
    const vision = await providers.vision.generateObject({ name: "describe", schema: personaSchema, messages: [{ role: "user", content: "A sailor.", images: ["data:image/png;base64,AAAA"] }] });
    expect(personaSchema.safeParse(vision.object).success).toBe(true);
  });
});

describe("offline images", () => {
  let prompts: string[];
  let titles: string[];

  beforeAll(async () => {
    const analysis = await analyse("market-of-clocks", 4);
    titles = analysis.scenes.map((scene) => scene.title);
    prompts = await Promise.all(
      analysis.scenes.map(async (scene) => {
        const result = await providers.text.generateObject({
          name: SCENE_PROMPT,
          schema: scenePromptSchema,
          messages: buildScenePromptMessages({ scene, characters: analysis.characters, style: "ink and wash" }),
        });
        return result.object.imagePrompt;
      }),
    );
  });

  it("renders PNGs of the requested size", async () => {
    for (const [size, width, height] of [
      ["1024x1024", 1024, 1024],
      ["1792x1024", 1792, 1024],
      ["1024x1792", 1024, 1792],
      ["16:9", 1792, 1024],
      ["3:4", 1008, 1344],
    ] as const) {
      const result = await providers.image.renderImage({ prompt: prompts[0]!, size, title: titles[0] });
      const metadata = await sharp(result.png).metadata();
      expect(metadata).toMatchObject({ format: "png", width, height });
      expect(result).toMatchObject({ width, height });
      expect(result.parameters).toMatchObject({ provider: "offline", model: "offline-image", size: `${width}x${height}`, prompt: prompts[0] });
    }
  });

  it("is deterministic for a seed and differs by seed and by scene", async () => {
    const render = (prompt: string, seed: number, title?: string) => providers.image.renderImage({ prompt, size: "1024x1024", seed, title });
    const first = await render(prompts[0]!, 42, titles[0]);
    const again = await render(prompts[0]!, 42, titles[0]);
    expect(again.png.equals(first.png)).toBe(true);
    expect((await render(prompts[0]!, 43, titles[0])).png.equals(first.png)).toBe(false);

    const scenes = await Promise.all(prompts.map((prompt, index) => render(prompt, 42, titles[index])));
    expect(new Set(scenes.map((scene) => scene.png.toString("base64"))).size).toBe(prompts.length);
    // Different pictures, not just different captions: the pixels above the caption differ too.
    const upper = await Promise.all(
      scenes.slice(0, 2).map((scene) => sharp(scene.png).extract({ left: 0, top: 0, width: 1024, height: 800 }).raw().toBuffer()),
    );
    expect(upper[0]!.equals(upper[1]!)).toBe(false);
  });
});

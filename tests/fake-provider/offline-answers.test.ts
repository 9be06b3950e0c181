// The fake provider server answers with the domains' offline responders, through the real openai
// SDK path, exactly as the offline provider would: a new domain's answers come with its responders.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { parseEnv } from "@/server/env";
import { scenePromptSchema, storyAnalysisSchema } from "@/server/features/story/schemas";
import { buildAnalysisMessages, buildScenePromptMessages, SCENE_PROMPT, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import { createProviders } from "@/server/providers/create-providers";
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import type { Providers } from "@/server/providers/types";
import { offlineAnswers } from "./offline-answers";
import { startFakeProvider, type FakeProvider } from "./server";

const greetingSchema = z.object({ greeting: z.string().min(1) });
const greetings: OfflineResponders = {
  greeting: (messages) => {
    const name = /^Name: (.+)$/m.exec(messages.find((message) => message.role === "user")?.content ?? "")?.[1];
    return name ? { greeting: `Hello, ${name}!` } : undefined;
  },
};

let fake: FakeProvider;
let openai: Providers;

beforeAll(async () => {
  fake = await startFakeProvider({ seed: 3 });
  openai = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_SECONDS: "5" }));
});
afterAll(() => fake.close());
beforeEach(() => fake.respondWith(null));

const greet = (content: string, name = "greeting") =>
  openai.text.generateObject({ name, schema: greetingSchema, messages: [{ role: "system", content: "Greet." }, { role: "user", content }] });

describe("offline answers on the fake provider", () => {
  it("answer a chat completion whose json_schema name has a responder with the responder's object", async () => {
    fake.respondWith(offlineAnswers(greetings));
    expect((await greet("Name: Ada")).object).toEqual({ greeting: "Hello, Ada!" });
  });

  it("leave other names, and requests a responder declines, to the normal schema answers", async () => {
    fake.respondWith(offlineAnswers(greetings));
    const declined = await greet("nobody");
    const unknown = await greet("Name: Ada", "farewell");
    fake.respondWith(null);
    for (const result of [declined, unknown]) {
      expect(greetingSchema.safeParse(result.object).success).toBe(true);
      expect(result.object.greeting).not.toBe("Hello, Ada!");
    }
  });

  it("answer the story stages with the app's registered responders as the offline provider does", async () => {
    fake.respondWith(offlineAnswers(OFFLINE_RESPONDERS));
    const offline = createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }), { offlineResponders: OFFLINE_RESPONDERS });
    const story = fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/stories/lighthouse-keeper.txt"), "utf8");
    const analysisRequest = { name: STORY_ANALYSIS, schema: storyAnalysisSchema, messages: buildAnalysisMessages({ story, sceneCount: 3 }) };
    const analysis = (await openai.text.generateObject(analysisRequest)).object;
    expect(analysis).toEqual((await offline.text.generateObject(analysisRequest)).object);
    expect(analysis.characters.map((character) => character.name)).toContain("Maren Holt");

    const promptRequest = {
      name: SCENE_PROMPT,
      schema: scenePromptSchema,
      messages: buildScenePromptMessages({ scene: analysis.scenes[0]!, characters: analysis.characters, style: "watercolour" }),
    };
    const prompt = (await openai.text.generateObject(promptRequest)).object;
    expect(prompt).toEqual((await offline.text.generateObject(promptRequest)).object);
    expect(prompt.imagePrompt).toContain(analysis.scenes[0]!.title);
  });
});

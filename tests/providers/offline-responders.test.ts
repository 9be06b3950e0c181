// The offline text model answers what a domain has taught it through its offline responders, and
// keeps the schema-valid sample for everything else; the provider layer itself knows no domain.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "@/server/env";
import { storyAnalysisSchema } from "@/server/features/story/schemas";
import { buildAnalysisMessages, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import { createProviders } from "@/server/providers/create-providers";
import type { OfflineResponders } from "@/server/providers/offline/offline-responders";
import { createOfflineTextModel } from "@/server/providers/offline/offline-text-model";
import type { ChatMessage } from "@/server/providers/types";

const greetingSchema = z.object({ greeting: z.string().min(1) });

// A toy domain: greets whoever the user message names after "Name:", and declines anything else.
const greetings: OfflineResponders = {
  greeting: (messages) => {
    const name = /^Name: (.+)$/m.exec(messages.find((message) => message.role === "user")?.content ?? "")?.[1];
    return name ? { greeting: `Hello, ${name}!` } : undefined;
  },
};

const ask = (name: string, content: string, responders: OfflineResponders = greetings) =>
  createOfflineTextModel("offline-text", responders).generateObject({ name, schema: greetingSchema, messages: [{ role: "user", content }] });

describe("offline responders", () => {
  it("answer a request whose name has a responder with the responder's object", async () => {
    const result = await ask("greeting", "Name: Ada");
    expect(result.object).toEqual({ greeting: "Hello, Ada!" });
    expect(result.model).toBe("offline-text");
  });

  it("hand the responder the request's messages as sent", async () => {
    const seen: ChatMessage[][] = [];
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Name: Pip", images: ["data:image/png;base64,AAAA"] },
    ];
    await createOfflineTextModel("offline-vision", { greeting: (received) => (seen.push(received), { greeting: "hi" }) }).generateObject({
      name: "greeting",
      schema: greetingSchema,
      messages,
    });
    expect(seen).toEqual([messages]);
  });

  it("fall back to the seeded schema sample when the responder cannot read the messages", async () => {
    const declined = await ask("greeting", "no name here");
    const withoutResponders = await ask("greeting", "no name here", {});
    expect(greetingSchema.safeParse(declined.object).success).toBe(true);
    expect(declined.object).toEqual(withoutResponders.object);
  });

  it("leave names without a responder, including Object.prototype's, to the schema sample", async () => {
    for (const name of ["farewell", "constructor", "toString", "__proto__"]) {
      const result = await ask(name, "Name: Ada");
      expect(greetingSchema.safeParse(result.object).success).toBe(true);
      expect(result.object).not.toEqual({ greeting: "Hello, Ada!" });
    }
  });

  it("reject a responder's answer that does not match the request's schema", async () => {
    const wrong = ask("greeting", "Name: Ada", { greeting: () => ({ greeting: "" }) });
    await expect(wrong).rejects.toMatchObject({ kind: "invalid-output", isRetryable: false });
  });

  it("are the only way story answers reach the offline provider", async () => {
    // Without the story's responders the provider has no story analysis of its own: a sample comes back.
    const bare = createProviders(parseEnv({ GENERATION_PROVIDER: "offline" }));
    const story = "Maren Holt rowed out to Gull Point. Maren Holt lit the lamp.";
    const result = await bare.text.generateObject({ name: STORY_ANALYSIS, schema: storyAnalysisSchema, messages: buildAnalysisMessages({ story, sceneCount: 1 }) });
    expect(storyAnalysisSchema.safeParse(result.object).success).toBe(true);
    expect(result.object.characters.map((character) => character.name)).not.toContain("Maren Holt");
  });
});

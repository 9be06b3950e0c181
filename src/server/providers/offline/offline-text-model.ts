// The offline TextModel: no network, deterministic, fast. It recognises the story stages by request
// name and answers them for real (NLP analysis, template prompts); any other object kind gets a
// schema-valid sample built from the request's own schema, so new features run offline from day one.
import type { z } from "zod";
import { SCENE_PROMPT, STORY_ANALYSIS, readAnalysisInput, readScenePromptInput } from "../../features/story/stage-messages";
import { sampleFromJsonSchema } from "../json-schema-sample";
import { jsonSchemaFor } from "../structured-output";
import { ProviderError, type GenerateObjectRequest, type GenerateObjectResult, type TextModel } from "../types";
import { writeScenePrompt } from "../../features/story/offline/scene-prompt-writer";
import { hashString, seededRandom } from "../seeded-random";
import { analyseStory } from "../../features/story/offline/story-analysis";

export function createOfflineTextModel(model = "offline-text"): TextModel {
  return {
    provider: "offline",
    model,
    async generateObject<Schema extends z.ZodType>(request: GenerateObjectRequest<Schema>): Promise<GenerateObjectResult<z.infer<Schema>>> {
      const startedAt = performance.now();
      if (request.signal?.aborted) {
        throw new ProviderError("The offline provider's request was aborted", { kind: "aborted", isRetryable: false });
      }
      const candidate = answer(request);
      const parsed = request.schema.safeParse(candidate);
      if (!parsed.success) {
        throw new ProviderError(`The offline provider could not produce a valid "${request.name}" object: ${parsed.error.message}`, {
          kind: "invalid-output",
          isRetryable: false,
        });
      }
      const inputCharacters = request.messages.reduce((total, message) => total + message.content.length, 0);
      return {
        object: parsed.data,
        model,
        usage: { inputTokens: Math.ceil(inputCharacters / 4), outputTokens: Math.ceil(JSON.stringify(parsed.data).length / 4) },
        durationMs: performance.now() - startedAt,
        repaired: false,
      };
    },
  };
}

function answer(request: GenerateObjectRequest<z.ZodType>): unknown {
  if (request.name === STORY_ANALYSIS) {
    const input = readAnalysisInput(request.messages);
    if (input) return analyseStory(input.story, input.sceneCount);
  }
  if (request.name === SCENE_PROMPT) {
    const input = readScenePromptInput(request.messages);
    if (input) return writeScenePrompt(input);
  }
  // Seeded by the conversation, so the same request always gets the same sample.
  const seed = hashString(`${request.name}\n${request.messages.map((message) => message.content).join("\n")}`);
  return sampleFromJsonSchema(jsonSchemaFor(request.schema), { random: seededRandom(seed) });
}

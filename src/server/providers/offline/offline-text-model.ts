// The offline TextModel: no network, deterministic, fast. Requests a domain has taught it (its
// offline responders, by request name) get that domain's real answer; any other object kind, or a
// request a responder cannot read, gets a schema-valid sample built from the request's own schema,
// so new features run offline from day one.
import type { z } from "zod";
import { sampleFromJsonSchema } from "../json-schema-sample";
import { hashString, seededRandom } from "../seeded-random";
import { jsonSchemaFor } from "../structured-output";
import { ProviderError, type GenerateObjectRequest, type GenerateObjectResult, type TextModel } from "../types";
import { respondOffline, type OfflineResponders } from "./offline-responders";

export function createOfflineTextModel(model = "offline-text", responders: OfflineResponders = {}): TextModel {
  return {
    provider: "offline",
    model,
    async generateObject<Schema extends z.ZodType>(request: GenerateObjectRequest<Schema>): Promise<GenerateObjectResult<z.infer<Schema>>> {
      const startedAt = performance.now();
      if (request.signal?.aborted) {
        throw new ProviderError("The offline provider's request was aborted", { kind: "aborted", isRetryable: false });
      }
      const candidate = await answer(request, responders);
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

async function answer(request: GenerateObjectRequest<z.ZodType>, responders: OfflineResponders): Promise<unknown> {
  const answered = await respondOffline(responders, request.name, request.messages);
  if (answered !== undefined) return answered;
  // Seeded by the conversation, so the same request always gets the same sample.
  const seed = hashString(`${request.name}\n${request.messages.map((message) => message.content).join("\n")}`);
  return sampleFromJsonSchema(jsonSchemaFor(request.schema), { random: seededRandom(seed) });
}

// A TextModel over chat completions with JSON-schema output. OpenAI and OpenRouter share it; only
// the client (base URL, headers) and the model name differ.
import type OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { z } from "zod";
import { toProviderError } from "../provider-errors";
import { readRateLimitHeaders } from "../rate-limit-headers";
import { jsonSchemaFor, parseStructuredOutput, repairRequest, schemaName } from "../structured-output";
import {
  ProviderError,
  type ChatMessage,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type ProviderName,
  type RateLimitSnapshot,
  type TextModel,
  type Usage,
} from "../types";

export interface ChatTextModelOptions {
  client: OpenAI;
  provider: ProviderName;
  model: string;
  timeoutMs: number;
}

export function createChatTextModel(options: ChatTextModelOptions): TextModel {
  const { client, provider, model, timeoutMs } = options;

  async function complete(
    messages: ChatCompletionMessageParam[],
    request: GenerateObjectRequest<z.ZodType>,
    jsonSchema: Record<string, unknown>,
  ): Promise<{ content: string | null; usage: Usage; rateLimit?: RateLimitSnapshot }> {
    const body: ChatCompletionCreateParamsNonStreaming = {
      model,
      messages,
      // strict: false because zod's schemas use keywords (minLength, maxItems…) that strict mode
      // rejects; the answer is validated with the zod schema anyway.
      response_format: {
        type: "json_schema",
        json_schema: { name: schemaName(request.name), schema: jsonSchema, strict: false },
      },
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    };
    try {
      // withResponse: the answer's headers carry the provider's rate-limit quotas.
      const { data: completion, response } = await client.chat.completions
        .create(body, { signal: request.signal, timeout: request.timeoutMs ?? timeoutMs })
        .withResponse();
      const rateLimit = readRateLimitHeaders(response.headers);
      return {
        ...(rateLimit ? { rateLimit } : {}),
        content: completion.choices[0]?.message?.content ?? null,
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        },
      };
    } catch (error) {
      throw toProviderError(error, provider);
    }
  }

  return {
    provider,
    model,
    async generateObject<Schema extends z.ZodType>(
      request: GenerateObjectRequest<Schema>,
    ): Promise<GenerateObjectResult<z.infer<Schema>>> {
      const startedAt = performance.now();
      const jsonSchema = jsonSchemaFor(request.schema);
      const messages = request.messages.map(toChatCompletionMessage);

      const first = await complete(messages, request, jsonSchema);
      const firstResult = parseStructuredOutput(request.schema, first.content);
      if (firstResult.success) {
        return {
          object: firstResult.data,
          model,
          usage: first.usage,
          durationMs: performance.now() - startedAt,
          repaired: false,
          ...(first.rateLimit ? { rateLimit: first.rateLimit } : {}),
        };
      }

      // One repair: the model sees its own answer and what was wrong with it. More attempts
      // rarely help and each one is paid for.
      const repairMessages: ChatCompletionMessageParam[] = [
        ...messages,
        { role: "assistant", content: first.content ?? "" },
        { role: "user", content: repairRequest(firstResult.problem) },
      ];
      const second = await complete(repairMessages, request, jsonSchema);
      const usage = {
        inputTokens: first.usage.inputTokens + second.usage.inputTokens,
        outputTokens: first.usage.outputTokens + second.usage.outputTokens,
      };
      const secondResult = parseStructuredOutput(request.schema, second.content);
      if (secondResult.success) {
        // The repair's headers are the newer view of the quotas.
        const rateLimit = second.rateLimit ?? first.rateLimit;
        return {
          object: secondResult.data,
          model,
          usage,
          durationMs: performance.now() - startedAt,
          repaired: true,
          ...(rateLimit ? { rateLimit } : {}),
        };
      }
      throw new ProviderError(`${model} did not produce a valid "${request.name}" object after one repair attempt. ${secondResult.problem}`, {
        kind: "invalid-output",
        isRetryable: false,
      });
    },
  };
}

function toChatCompletionMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === "system") return { role: "system", content: message.content };
  if (!message.images || message.images.length === 0) return { role: "user", content: message.content };
  return {
    role: "user",
    content: [
      { type: "text", text: message.content },
      ...message.images.map((url) => ({ type: "image_url" as const, image_url: { url } })),
    ],
  };
}

// What the rate-limit tests share: task types that make one text or image call per task through
// the real provider code to the fake provider server, and a log of when the engine sent each call
// and when it learned of each 429, on the fake server's clock.
import { z } from "zod";
import { createChatTextModel } from "@/server/providers/openai/chat-text-model";
import { createOpenAIClient } from "@/server/providers/openai/openai-client";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";
import { ProviderError } from "@/server/providers/types";
import { defineTaskType, type TaskContext, type TaskKind, type TaskSpec, type TaskType } from "@/server/generation/types";
import type { FakeAttempt } from "../fake-provider/server";

export const TEXT_MODEL = "limited-text";
export const IMAGE_MODEL = "limited-image";

export interface LoggedCall {
  kind: TaskKind;
  /** When the engine handed the call to the provider code. */
  sentAt: number;
  /** For a 429: when the engine learned of it, and the Retry-After it carried. */
  refusedAt?: number;
  retryAfterMs?: number;
}

/** The fake server's clock, so these times compare with its attempt log. */
const now = () => performance.timeOrigin + performance.now();

/** "limited.text" and "limited.image": each task makes one call of its budget, logged. */
export function rateLimitedTaskTypes(baseUrl: string, log: LoggedCall[]): TaskType[] {
  const client = createOpenAIClient({ apiKey: "test-key", baseURL: baseUrl, timeoutMs: 30_000 });
  const text = createChatTextModel({ client, provider: "openai", model: TEXT_MODEL, timeoutMs: 30_000 });
  const image = createOpenAIImageModel({ client, model: IMAGE_MODEL, baseURL: baseUrl, timeoutMs: 30_000 });
  const schema = z.object({ caption: z.string() });
  const execute = async (kind: TaskKind, context: TaskContext) => {
    const { task } = context;
    const result = await context.callProvider(kind, async (signal) => {
      const entry: LoggedCall = { kind, sentAt: now() };
      log.push(entry);
      try {
        return kind === "text"
          ? await text.generateObject({ name: "caption", schema, messages: [{ role: "user", content: task.key }], signal })
          : await image.renderImage({ prompt: task.key, size: "1024x1024", signal });
      } catch (error) {
        // The engine learns of the refusal in the same turn, right after this.
        if (error instanceof ProviderError && error.kind === "rate-limit") {
          entry.refusedAt = now();
          entry.retryAfterMs = error.retryAfterMs;
        }
        throw error;
      }
    });
    return { ok: "png" in result ? result.width : result.object.caption.length };
  };
  return ["text", "image"].map((kind) =>
    defineTaskType({ name: `limited.${kind}`, budget: kind, input: z.unknown(), execute: (_input, context) => execute(kind, context) }),
  );
}

export function tasksOf(kind: TaskKind, count: number): TaskSpec[] {
  return Array.from({ length: count }, (_, index) => ({ key: `${kind}-${index + 1}`, type: `limited.${kind}` }));
}

/** Calls of `kind` the engine sent after it had learned of a 429 of that kind, before its Retry-After. */
export function sentInsideRetryAfter(log: LoggedCall[], kind: TaskKind): LoggedCall[] {
  const refusals = log.filter((call) => call.kind === kind && call.refusedAt !== undefined && call.retryAfterMs !== undefined);
  return log.filter(
    (call) =>
      call.kind === kind &&
      refusals.some((refusal) => call.sentAt > refusal.refusedAt! && call.sentAt < refusal.refusedAt! + refusal.retryAfterMs!),
  );
}

/** The fake server's count of a model's refusals, for the report. */
export function refusalShare(attempts: FakeAttempt[], model: string): { refused: number; attempts: number; share: string } {
  const ofModel = attempts.filter((attempt) => attempt.model === model);
  const refused = ofModel.filter((attempt) => attempt.status === 429).length;
  return { refused, attempts: ofModel.length, share: `${((100 * refused) / Math.max(1, ofModel.length)).toFixed(1)}%` };
}

// What the engine tests share: engines with test-sized timings, and a task type that renders each
// task's image through the real openai provider code against the fake provider server.
import fs from "node:fs/promises";
import path from "node:path";
import { createOpenAIClient } from "@/server/providers/openai/openai-client";
import { createOpenAIImageModel } from "@/server/providers/openai/openai-image-model";
import type { Database } from "@/server/db";
import { createEngine, type Engine } from "@/server/generation/engine";
import type { EngineSettings } from "@/server/generation/engine-settings";
import { createBatchWriter } from "@/server/generation/storage/batch-writer";
import { z } from "zod";
import { defineTaskType, type TaskSpec, type TaskType } from "@/server/generation/types";

/** An engine over the test database, writing through its own SQLite connection as in the app. */
export function createTestEngine(database: { db: Database; url: string }, settings: Partial<EngineSettings> = {}): Engine {
  return createEngine({
    db: database.db,
    writer: createBatchWriter(database.url),
    settings: {
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 },
      timeoutMs: { text: 5_000, image: 5_000 },
      writeIntervalMs: 2,
      ...settings,
    },
  });
}

export const IMAGE_TASK_TYPE = "images.render";

/**
 * Renders `input.prompt` with an image model named after the task key, so the fake server's
 * attempt log tells which task each request belonged to. The PNG is written as temp file +
 * rename, and only its name is returned (and stored as the task's output).
 */
export function imageTaskType(options: { baseUrl: string; directory: string }): TaskType {
  const client = createOpenAIClient({ apiKey: "test-key", baseURL: options.baseUrl, timeoutMs: 30_000 });
  return defineTaskType({
    name: IMAGE_TASK_TYPE,
    budget: "image",
    input: z.object({ prompt: z.string() }),
    async execute({ prompt }, context) {
      const { task } = context;
      const model = createOpenAIImageModel({ client, model: modelFor(task.key), baseURL: options.baseUrl, timeoutMs: 30_000 });
      const image = await context.callProvider("image", (signal) => model.renderImage({ prompt, size: "1024x1024", signal }));
      const file = path.join(options.directory, `${task.key}.png`);
      const temporary = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temporary, image.png);
      await fs.rename(temporary, file);
      return { file: path.basename(file), width: image.width, height: image.height };
    },
  });
}

export function modelFor(key: string): string {
  return `image-${key}`;
}

export function imageTasks(count: number, prefix = "image"): TaskSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    key: `${prefix}-${index + 1}`,
    type: IMAGE_TASK_TYPE,
    input: { prompt: `picture number ${index + 1}` },
  }));
}

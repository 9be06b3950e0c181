// The OpenAI and OpenRouter providers, built by createProviders exactly as the app builds them,
// talking to the fake OpenAI-compatible server over loopback with the real openai SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import sharp from "sharp";
import { z } from "zod";
import { parseEnv } from "@/server/env";
import { scenePromptSchema, storyAnalysisSchema } from "@/server/features/story/schemas";
import { buildAnalysisMessages, STORY_ANALYSIS } from "@/server/features/story/stage-messages";
import { createProviders } from "@/server/providers/create-providers";
import { ProviderError, type Providers } from "@/server/providers/types";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";

let fake: FakeProvider;
let openai: Providers;
let openrouter: Providers;

beforeAll(async () => {
  fake = await startFakeProvider();
  openai = createProviders(parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.url, LLM_TIMEOUT_SECONDS: "5" }));
  openrouter = createProviders(
    parseEnv({ GENERATION_PROVIDER: "openrouter", OPENROUTER_API_KEY: "test-key", OPENROUTER_BASE_URL: fake.url, LLM_TIMEOUT_SECONDS: "5" }),
  );
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.configure({
    latencyMs: 0,
    timeScale: 1,
    rateLimit: null,
    rateLimitHeaders: false,
    failureRate: 0,
    failureStatus: 500,
    hangRate: 0,
    malformedRate: 0,
    seed: 1,
  });
  fake.respondWith(null);
  fake.reset();
});

const analysisRequest = () => ({
  name: STORY_ANALYSIS,
  schema: storyAnalysisSchema,
  messages: buildAnalysisMessages({ story: "Mara walked to the harbour. The boats came home.", sceneCount: 2 }),
});

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe.each([
  ["openai", () => openai],
  ["openrouter", () => openrouter],
] as const)("%s text model", (name, bundle) => {
  it("returns an object parsed and validated against the zod schema, with usage", async () => {
    const result = await bundle().text.generateObject(analysisRequest());
    expect(storyAnalysisSchema.safeParse(result.object).success).toBe(true);
    expect(result.repaired).toBe(false);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.model).toBe(name === "openai" ? "gpt-4o-mini" : "openai/gpt-4o-mini");
    expect(fake.attempts()).toHaveLength(1);
    expect(fake.attempts()[0]).toMatchObject({ path: "/v1/chat/completions", status: 200, model: result.model });
  });

  it("repairs a malformed answer once, showing the model its answer and the problem", async () => {
    const seen: Array<Record<string, unknown>> = [];
    fake.respondWith((request) => {
      seen.push(request.body);
      return seen.length === 1 ? { content: '{"scenes": [{"title": "Half an answer"' } : undefined;
    });
    const result = await bundle().text.generateObject(analysisRequest());
    expect(result.repaired).toBe(true);
    expect(storyAnalysisSchema.safeParse(result.object).success).toBe(true);
    expect(fake.attempts()).toHaveLength(2);
    const repairMessages = seen[1]!.messages as Array<{ role: string; content: string }>;
    expect(repairMessages.at(-2)).toEqual({ role: "assistant", content: '{"scenes": [{"title": "Half an answer"' });
    expect(repairMessages.at(-1)!.content).toContain("not valid JSON");
  });

  it("repairs an answer of the wrong shape, quoting the validation error", async () => {
    let calls = 0;
    let repairText = "";
    fake.respondWith((request) => {
      calls += 1;
      if (calls === 2) repairText = (request.body.messages as Array<{ content: string }>).at(-1)!.content;
      return calls === 1 ? { content: JSON.stringify({ scenes: "none", characters: [] }) } : undefined;
    });
    const result = await bundle().text.generateObject(analysisRequest());
    expect(result.repaired).toBe(true);
    expect(repairText).toContain("did not match the schema");
    expect(repairText).toContain("scenes");
  });

  it("gives up with a non-retryable invalid-output error when the repair fails too", async () => {
    fake.respondWith(() => ({ content: "I cannot do that." }));
    const error = await rejection(bundle().text.generateObject(analysisRequest()));
    expect(error.kind).toBe("invalid-output");
    expect(error.isRetryable).toBe(false);
    expect(fake.attempts()).toHaveLength(2);
  });

  it("sends vision images as image_url content parts", async () => {
    let content: unknown;
    fake.respondWith((request) => {
      content = (request.body.messages as Array<{ content: unknown }>)[0]!.content;
      return undefined;
    });
    const schema = z.object({ description: z.string() });
    const result = await bundle().vision.generateObject({
      name: "describe",
      schema,
      messages: [{ role: "user", content: "Describe this person.", images: ["data:image/png;base64,iVBORw0KGgo="] }],
    });
    expect(typeof result.object.description).toBe("string");
    expect(content).toEqual([
      { type: "text", text: "Describe this person." },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
    ]);
  });

  it("classifies a 429 as a retryable rate limit carrying the server's delay", async () => {
    fake.configure({ rateLimit: { ratePerSecond: 0.5, burst: 1 } });
    await bundle().text.generateObject(analysisRequest());
    const error = await rejection(bundle().text.generateObject(analysisRequest()));
    expect(error).toMatchObject({ kind: "rate-limit", status: 429, isRetryable: true });
    // The bucket refills one token in 2 s; retry-after-ms says how much of that is left.
    expect(error.retryAfterMs).toBeGreaterThan(1500);
    expect(error.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it("returns the quota headers with the result, and with a 429", async () => {
    fake.configure({ rateLimit: { ratePerSecond: 0.5, burst: 2 }, rateLimitHeaders: true });
    const first = await bundle().text.generateObject(analysisRequest());
    expect(first.rateLimit?.requests).toMatchObject({ limit: 2, remaining: 1 });
    expect(first.rateLimit!.requests!.resetMs).toBeGreaterThan(1900);
    expect(first.rateLimit!.requests!.resetMs).toBeLessThanOrEqual(2000);
    await bundle().text.generateObject(analysisRequest());
    const error = await rejection(bundle().text.generateObject(analysisRequest()));
    expect(error).toMatchObject({ kind: "rate-limit", rateLimit: { requests: { limit: 2, remaining: 0 } } });
  });

  it("classifies a 5xx as retryable and a 400 as not", async () => {
    fake.configure({ failureRate: 1, failureStatus: 503 });
    const serverError = await rejection(bundle().text.generateObject(analysisRequest()));
    expect(serverError).toMatchObject({ kind: "server", status: 503, isRetryable: true });

    fake.configure({ failureStatus: 400 });
    const badRequest = await rejection(bundle().text.generateObject(analysisRequest()));
    expect(badRequest).toMatchObject({ kind: "bad-request", status: 400, isRetryable: false });
  });

  it("ends a hung request at its timeout with a retryable timeout error", async () => {
    fake.configure({ hangRate: 1 });
    const startedAt = performance.now();
    const error = await rejection(bundle().text.generateObject({ ...analysisRequest(), timeoutMs: 300 }));
    const elapsed = performance.now() - startedAt;
    expect(error).toMatchObject({ kind: "timeout", isRetryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    await waitFor(() => fake.inFlight() === 0);
    expect(fake.attempts()[0]!.status).toBeNull();
  });

  it("reports an aborted call as aborted, not retryable", async () => {
    fake.configure({ hangRate: 1 });
    const controller = new AbortController();
    const pending = bundle().text.generateObject({ ...analysisRequest(), signal: controller.signal });
    await waitFor(() => fake.inFlight() === 1);
    controller.abort();
    const error = await rejection(pending);
    expect(error).toMatchObject({ kind: "aborted", isRetryable: false });
  });
});

describe("openai image model", () => {
  it("renders dall-e-3 images as real PNGs of the requested size, asking for base64", async () => {
    const bodies: Array<Record<string, unknown>> = [];
    fake.respondWith((request) => {
      bodies.push(request.body);
      return undefined;
    });
    for (const size of ["1024x1024", "1792x1024", "1024x1792"] as const) {
      const result = await openai.image.renderImage({ prompt: "a lighthouse in a storm", size, quality: "hd", style: "vivid" });
      const metadata = await sharp(result.png).metadata();
      expect(metadata).toMatchObject({ format: "png", width: Number(size.split("x")[0]), height: Number(size.split("x")[1]) });
      expect(result.width).toBe(metadata.width);
      expect(result.height).toBe(metadata.height);
      expect(result.parameters).toMatchObject({ provider: "openai", model: "dall-e-3", size, quality: "hd", style: "vivid" });
    }
    expect(bodies[0]).toMatchObject({ model: "dall-e-3", response_format: "b64_json", quality: "hd", style: "vivid", size: "1024x1024" });
  });

  it("appends the negative prompt as Avoid and records the prompt that was sent", async () => {
    let sentPrompt = "";
    fake.respondWith((request) => {
      sentPrompt = String(request.body.prompt);
      return undefined;
    });
    const result = await openai.image.renderImage({ prompt: "a quiet harbour", negativePrompt: "text, watermark", size: "16:9" });
    expect(sentPrompt).toBe("a quiet harbour\nAvoid: text, watermark.");
    expect(result.parameters.prompt).toBe(sentPrompt);
    expect(result.parameters.size).toBe("1792x1024");
    expect(result.revisedPrompt).toContain("a quiet harbour");
  });

  it("maps gpt-image-1 sizes and qualities and sends no style or response_format", async () => {
    const gptImage = createProviders(
      parseEnv({ GENERATION_PROVIDER: "openai", OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: fake.url, IMAGE_MODEL: "gpt-image-1" }),
    );
    let body: Record<string, unknown> = {};
    fake.respondWith((request) => {
      body = request.body;
      return undefined;
    });
    const result = await gptImage.image.renderImage({ prompt: "a market of clocks", size: "1024x1792", quality: "hd", style: "vivid" });
    expect(body).toMatchObject({ model: "gpt-image-1", size: "1024x1536", quality: "high" });
    expect(body).not.toHaveProperty("style");
    expect(body).not.toHaveProperty("response_format");
    expect(result).toMatchObject({ width: 1024, height: 1536 });
    const standard = await gptImage.image.renderImage({ prompt: "a market of clocks", size: "4:3", quality: "standard" });
    expect(body).toMatchObject({ size: "1536x1024", quality: "medium" });
    expect(standard).toMatchObject({ width: 1536, height: 1024 });
  });

  it("downloads an image URL only from the provider's own host", async () => {
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: "#336699" } }).png().toBuffer();
    const { createServer } = await import("node:http");
    const imageServer = createServer((request, response) => {
      response.writeHead(200, { "content-type": "image/png", "content-length": png.length });
      response.end(png);
    });
    await new Promise<void>((resolve) => imageServer.listen(0, "127.0.0.1", resolve));
    try {
      const address = imageServer.address() as { port: number };
      // Another port is another host: refused without a request.
      fake.respondWith(() => ({ body: { created: 1, data: [{ url: `http://127.0.0.1:${address.port}/image.png` }] } }));
      const refused = await rejection(openai.image.renderImage({ prompt: "x", size: "1024x1024" }));
      expect(refused).toMatchObject({ kind: "bad-request", isRetryable: false });
      expect(refused.message).toContain("not the provider's host");

      // The provider's own host is fetched (the fake answers JSON there, which is not an image).
      fake.respondWith((request) =>
        request.path === "/v1/images/generations" ? { body: { created: 1, data: [{ url: `${fake.url}/models` }] } } : undefined,
      );
      const notAnImage = await rejection(openai.image.renderImage({ prompt: "x", size: "1024x1024" }));
      expect(notAnImage.message).toContain("not an image");
    } finally {
      await new Promise((resolve) => imageServer.close(resolve));
    }
  });

  it("classifies image errors like text errors", async () => {
    fake.configure({ failureRate: 1, failureStatus: 500 });
    const error = await rejection(openai.image.renderImage({ prompt: "x", size: "1024x1024" }));
    expect(error).toMatchObject({ kind: "server", status: 500, isRetryable: true });
  });
});

describe("quota headers on images", () => {
  it("come back with an image from either provider", async () => {
    fake.configure({ rateLimit: { ratePerSecond: 10, burst: 5 }, rateLimitHeaders: true });
    const fromOpenAI = await openai.image.renderImage({ prompt: "a kite", size: "1024x1024" });
    expect(fromOpenAI.rateLimit?.requests).toMatchObject({ limit: 5, remaining: 4 });
    const fromOpenRouter = await openrouter.image.renderImage({ prompt: "a kite", size: "1:1" });
    expect(fromOpenRouter.rateLimit?.requests?.limit).toBe(5);
  });
});

describe("openrouter image model", () => {
  it("renders through chat completions with image modalities and decodes the data URL", async () => {
    let body: Record<string, unknown> = {};
    fake.respondWith((request) => {
      body = request.body;
      return undefined;
    });
    const result = await openrouter.image.renderImage({ prompt: "two friends on a clock tower", negativePrompt: "text", size: "1792x1024", seed: 9 });
    expect(body).toMatchObject({
      model: "google/gemini-2.5-flash-image-preview",
      modalities: ["image", "text"],
      image_config: { aspect_ratio: "16:9" },
      seed: 9,
    });
    const metadata = await sharp(result.png).metadata();
    expect(metadata.format).toBe("png");
    expect(result.width).toBe(metadata.width);
    expect(result.height).toBe(metadata.height);
    expect(result.width / result.height).toBeCloseTo(16 / 9, 1);
    expect(result.parameters).toMatchObject({ provider: "openrouter", size: "16:9", seed: 9, prompt: "two friends on a clock tower\nAvoid: text." });
  });

  it("sends OpenRouter's attribution headers", async () => {
    const { createServer } = await import("node:http");
    let received: Record<string, string | string[] | undefined> = {};
    const server = createServer((request, response) => {
      received = request.headers;
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "no" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const bundle = createProviders(
        parseEnv({ GENERATION_PROVIDER: "openrouter", OPENROUTER_API_KEY: "test-key", OPENROUTER_BASE_URL: `http://127.0.0.1:${port}/v1` }),
      );
      await rejection(bundle.text.generateObject(analysisRequest()));
      expect(received["x-title"]).toBe("Storyforge");
      expect(received["http-referer"]).toBeTruthy();
      expect(received.authorization).toBe("Bearer test-key");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("fails without retry when the model answers text but no image", async () => {
    fake.respondWith(() => ({ body: { id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "I can only describe it." } }] } }));
    const error = await rejection(openrouter.image.renderImage({ prompt: "x", size: "1:1" }));
    expect(error).toMatchObject({ kind: "invalid-output", isRetryable: false });
  });

  it("treats a 402 with Retry-After as a retryable rate limit, and a plain 402 as final", async () => {
    fake.respondWith(() => ({ status: 402, body: { error: { message: "Too many requests for this balance" } }, headers: { "retry-after": "3" } }));
    const throttled = await rejection(openrouter.text.generateObject(analysisRequest()));
    expect(throttled).toMatchObject({ kind: "rate-limit", status: 402, isRetryable: true, retryAfterMs: 3000 });

    fake.respondWith(() => ({ status: 402, body: { error: { message: "Insufficient credits" } } }));
    const broke = await rejection(openrouter.text.generateObject(analysisRequest()));
    expect(broke).toMatchObject({ kind: "bad-request", status: 402, isRetryable: false });
  });
});

describe("scene prompts over a real provider", () => {
  it("validate against the scene prompt schema", async () => {
    const result = await openai.text.generateObject({
      name: "scene-prompt",
      schema: scenePromptSchema,
      messages: [{ role: "user", content: "<input>{}</input>" }],
    });
    expect(scenePromptSchema.safeParse(result.object).success).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

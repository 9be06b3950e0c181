// The fake provider is the ground truth for provider and engine tests, so its own behaviour is
// checked here with plain fetch over loopback.
import { afterEach, describe, expect, it } from "vitest";
import sharp from "sharp";
import { startFakeProvider, type FakeProvider } from "./server";

const started: FakeProvider[] = [];
async function start(...parameters: Parameters<typeof startFakeProvider>): Promise<FakeProvider> {
  const provider = await startFakeProvider(...parameters);
  started.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((provider) => provider.close()));
});

function post(provider: FakeProvider, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${provider.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

const sceneSchema = {
  type: "object",
  properties: {
    title: { type: "string", minLength: 3, maxLength: 20 },
    mood: { type: "string", enum: ["calm", "tense"] },
    count: { type: "integer", minimum: 2, maximum: 5 },
    tags: { type: "array", items: { type: "string" }, minItems: 3, maxItems: 4 },
    nested: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  },
  required: ["title", "mood", "count", "tags", "nested"],
};

describe("fake provider", () => {
  it("listens on 127.0.0.1 and answers json_schema chat requests with an object matching the schema", async () => {
    const provider = await start();
    expect(provider.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await post(provider, "/chat/completions", {
      model: "test-model",
      messages: [{ role: "user", content: "Describe a scene" }],
      response_format: { type: "json_schema", json_schema: { name: "scene", schema: sceneSchema } },
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as {
      model: string;
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(answer.model).toBe("test-model");
    const object = JSON.parse(answer.choices[0]!.message.content) as Record<string, unknown>;
    expect((object.title as string).length).toBeGreaterThanOrEqual(3);
    expect((object.title as string).length).toBeLessThanOrEqual(20);
    expect(["calm", "tense"]).toContain(object.mood);
    expect(Number.isInteger(object.count)).toBe(true);
    expect(object.count).toBeGreaterThanOrEqual(2);
    expect(object.count).toBeLessThanOrEqual(5);
    expect((object.tags as string[]).length).toBeGreaterThanOrEqual(3);
    expect((object.tags as string[]).length).toBeLessThanOrEqual(4);
    expect(typeof (object.nested as { ok: unknown }).ok).toBe("boolean");
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
    expect(answer.usage.completion_tokens).toBeGreaterThan(0);
    expect(answer.usage.total_tokens).toBe(answer.usage.prompt_tokens + answer.usage.completion_tokens);
    expect(provider.attempts()).toMatchObject([{ id: 1, path: "/v1/chat/completions", status: 200, model: "test-model" }]);
  });

  it("answers image generations with a real PNG of the requested size", async () => {
    const provider = await start();
    const response = await post(provider, "/images/generations", { model: "dall-e-3", prompt: "a lighthouse", size: "1792x1024" });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { created: number; data: Array<{ b64_json: string; revised_prompt: string }> };
    const metadata = await sharp(Buffer.from(answer.data[0]!.b64_json, "base64")).metadata();
    expect(metadata).toMatchObject({ format: "png", width: 1792, height: 1024 });
    expect(answer.data[0]!.revised_prompt).toContain("a lighthouse");
  });

  it("answers image chat requests OpenRouter-style with a data URL in message.images", async () => {
    const provider = await start();
    const response = await post(provider, "/chat/completions", {
      model: "google/gemini-2.5-flash-image-preview",
      messages: [{ role: "user", content: "a market of clocks" }],
      modalities: ["image", "text"],
      image_config: { aspect_ratio: "16:9" },
    });
    const answer = (await response.json()) as { choices: Array<{ message: { images: Array<{ image_url: { url: string } }> } }> };
    const url = answer.choices[0]!.message.images[0]!.image_url.url;
    expect(url.startsWith("data:image/png;base64,")).toBe(true);
    const metadata = await sharp(Buffer.from(url.slice(url.indexOf(",") + 1), "base64")).metadata();
    expect(metadata.width! / metadata.height!).toBeCloseTo(16 / 9, 1);
  });

  it("rate limits with a token bucket, answering 429 with Retry-After and retry-after-ms", async () => {
    const provider = await start({ rateLimit: { ratePerSecond: 2, burst: 3 } });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let index = 0; index < 5; index += 1) {
      const response = await post(provider, "/chat/completions", { model: "m", messages: [] });
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      await response.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const retryAfterMs = Number(limited!.headers.get("retry-after-ms"));
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(500);
    expect(limited!.headers.get("retry-after")).toBe(String(Math.ceil(retryAfterMs / 1000)));

    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 20));
    const afterWaiting = await post(provider, "/chat/completions", { model: "m", messages: [] });
    expect(afterWaiting.status).toBe(200);
  });

  it("records the peak number of requests in flight", async () => {
    const provider = await start({ latencyMs: 60 });
    await Promise.all(Array.from({ length: 7 }, () => post(provider, "/chat/completions", { model: "m", messages: [] }).then((response) => response.text())));
    expect(provider.peakInFlight()).toBe(7);
    expect(provider.inFlight()).toBe(0);
    const attempts = provider.attempts();
    expect(attempts).toHaveLength(7);
    for (const attempt of attempts) expect(attempt.endedAt! - attempt.arrivedAt).toBeGreaterThanOrEqual(50);

    provider.reset();
    expect(provider.attempts()).toHaveLength(0);
    expect(provider.peakInFlight()).toBe(0);
  });

  it("scales latency with timeScale", async () => {
    const provider = await start({ latencyMs: 30_000, timeScale: 0.001 });
    const startedAt = performance.now();
    const response = await post(provider, "/chat/completions", { model: "m", messages: [] });
    await response.text();
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
  });

  it("keeps a hung request open until the client aborts, then ends it cleanly", async () => {
    const provider = await start({ hangRate: 1 });
    const controller = new AbortController();
    const pending = post(provider, "/chat/completions", { model: "m", messages: [] }, controller.signal);
    await waitFor(() => provider.inFlight() === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(provider.attempts()[0]!.endedAt).toBeNull();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => provider.inFlight() === 0);
    expect(provider.attempts()[0]).toMatchObject({ status: null });
    expect(provider.attempts()[0]!.endedAt).not.toBeNull();
  });

  it("closes promptly even while requests hang", async () => {
    const provider = await startFakeProvider({ hangRate: 1 });
    const pending = post(provider, "/chat/completions", { model: "m", messages: [] }).catch((error: unknown) => error);
    await waitFor(() => provider.inFlight() === 1);
    await provider.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it("fails and breaks JSON at the configured rates, the same way for the same seed", async () => {
    async function outcomes(seed: number): Promise<string[]> {
      const provider = await start({ failureRate: 0.3, failureStatus: 503, malformedRate: 0.3, seed });
      const results: string[] = [];
      for (let index = 0; index < 40; index += 1) {
        const response = await post(provider, "/chat/completions", {
          model: "m",
          messages: [],
          response_format: { type: "json_schema", json_schema: { name: "scene", schema: sceneSchema } },
        });
        if (response.status !== 200) {
          results.push(String(response.status));
          await response.text();
          continue;
        }
        const answer = (await response.json()) as { choices: Array<{ message: { content: string } }> };
        try {
          JSON.parse(answer.choices[0]!.message.content);
          results.push("ok");
        } catch {
          results.push("malformed");
        }
      }
      return results;
    }
    const first = await outcomes(42);
    expect(first).toEqual(await outcomes(42));
    expect(first).toContain("503");
    expect(first).toContain("malformed");
    expect(first).toContain("ok");
    expect(first).not.toEqual(await outcomes(7));
  });

  it("lets a test override the chat answer", async () => {
    const provider = await start();
    let calls = 0;
    provider.respondWith(() => (calls++ === 0 ? { content: '{"wrong":true}' } : undefined));
    const read = async () => {
      const response = await post(provider, "/chat/completions", { model: "m", messages: [], response_format: { type: "json_object" } });
      const answer = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      return answer.choices[0]!.message.content;
    };
    expect(await read()).toBe('{"wrong":true}');
    expect(await read()).not.toBe('{"wrong":true}');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

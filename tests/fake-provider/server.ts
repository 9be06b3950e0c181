// A fake OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks. The real `openai` SDK
// talks to it over loopback, so the code path under test is the production one. It can be slow,
// rate-limit (429 + Retry-After), fail (5xx), hang, or answer malformed JSON, all under a seed so a
// run can be repeated. Built on node:http alone and kept cheap: benchmarks push thousands of
// requests through it.
import http from "node:http";
import type { Socket } from "node:net";
import sharp from "sharp";
import { sampleFromJsonSchema, type JsonSchema } from "../../src/server/providers/json-schema-sample";
import { seededRandom } from "../../src/server/providers/seeded-random";
import { createBucket, rateLimitHeaders, type FakeRateLimit, type TokenBucket } from "./rate-limit";

export type { FakeRateLimit } from "./rate-limit";

export type FakeLatency = number | { min: number; max: number } | { mean: number; jitter: number };

export interface FakeProviderSettings {
  /** Per request, in milliseconds (before timeScale); default 0. */
  latencyMs?: FakeLatency;
  /** Multiplies every latency (0.001 makes a "30 s" image take 30 ms); default 1. */
  timeScale?: number;
  /**
   * Token bucket in real (unscaled) time. When it is empty the answer is an immediate 429 with
   * `Retry-After` (whole seconds, rounded up) and `retry-after-ms` saying when a token is available.
   */
  rateLimit?: FakeRateLimit | null;
  /**
   * Per model (exact name): its own latency and its own bucket, as real providers limit each model
   * on its own. A model listed here does not draw from `rateLimit`'s bucket.
   */
  models?: Record<string, { latencyMs?: FakeLatency; rateLimit?: FakeRateLimit | null }>;
  /** Send OpenAI's x-ratelimit-*-requests headers with every answer of a rate-limited model. */
  rateLimitHeaders?: boolean;
  /** Share of requests answered with failureStatus (0..1). */
  failureRate?: number;
  /** Default 500. */
  failureStatus?: number;
  /** Share of requests that never answer, until the client aborts. */
  hangRate?: number;
  /** Share of chat answers whose content is not valid JSON. */
  malformedRate?: number;
  /** Seed for the random draws behind the rates and latencies. */
  seed?: number;
}

export interface FakeAttempt {
  id: number;
  path: string;
  /** Epoch milliseconds with sub-millisecond precision (performance.timeOrigin + performance.now()). */
  arrivedAt: number;
  /** When the answer was sent or the client went away; null while in flight. */
  endedAt: number | null;
  /** The status sent, or null when the client went away first (a hang, an abort). */
  status: number | null;
  model?: string;
  /** For a 429: the retry-after-ms it sent. */
  retryAfterMs?: number;
}

export interface FakeRequest {
  id: number;
  path: string;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
}

export interface FakeResponseOverride {
  /** Default 200. */
  status?: number;
  /** Chat completions only: replaces `choices[0].message.content` in the normal answer. */
  content?: string;
  /** Replaces the whole JSON answer. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Returns an override for this request (or a promise of one), or undefined for the normal answer. */
export type FakeResponder = (request: FakeRequest) => FakeResponseOverride | undefined | Promise<FakeResponseOverride | undefined>;

export interface FakeProvider {
  /** Base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  configure(settings: Partial<FakeProviderSettings>): void;
  attempts(): FakeAttempt[];
  peakInFlight(): number;
  inFlight(): number;
  /** Clears attempts and the peak (the peak restarts from what is in flight now). */
  reset(): void;
  /** Lets a test shape answers (e.g. a wrong object once); null restores the normal answers. */
  respondWith(responder: FakeResponder | null): void;
  close(): Promise<void>;
}

export interface FakeProviderListenOptions {
  /** Default 0 (any free port). The host is always 127.0.0.1. */
  port?: number;
}

/** Sizes OpenRouter's Gemini image model answers for each aspect ratio. */
const ASPECT_RATIO_SIZES: Record<string, [number, number]> = {
  "1:1": [1024, 1024],
  "16:9": [1344, 768],
  "9:16": [768, 1344],
  "4:3": [1184, 864],
  "3:4": [864, 1184],
  "3:2": [1248, 832],
  "2:3": [832, 1248],
};

const MAX_BODY_BYTES = 25 * 1024 * 1024;

export async function startFakeProvider(
  initialSettings: FakeProviderSettings = {},
  listenOptions: FakeProviderListenOptions = {},
): Promise<FakeProvider> {
  let settings: FakeProviderSettings = { ...initialSettings };
  let random = seededRandom(settings.seed ?? 1);
  let bucket = settings.rateLimit ? createBucket(settings.rateLimit) : undefined;
  let modelBuckets = new Map<string, TokenBucket | undefined>();
  const bucketFor = (model: string | undefined): TokenBucket | undefined => {
    const own = model === undefined ? undefined : settings.models?.[model];
    if (!own || own.rateLimit === undefined) return bucket;
    if (!modelBuckets.has(model!)) modelBuckets.set(model!, own.rateLimit ? createBucket(own.rateLimit) : undefined);
    return modelBuckets.get(model!);
  };
  let responder: FakeResponder | null = null;
  let attempts: FakeAttempt[] = [];
  let nextId = 1;
  let inFlight = 0;
  let peakInFlight = 0;
  const sockets = new Set<Socket>();
  const pngCache = new Map<string, Promise<string>>();

  const server = http.createServer((request, response) => {
    const arrivedAt = now();
    const id = nextId++;
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const attempt: FakeAttempt = { id, path, arrivedAt, endedAt: null, status: null };
    attempts.push(attempt);
    inFlight += 1;
    if (inFlight > peakInFlight) peakInFlight = inFlight;

    // Every request draws the same number of values in the same order, so the outcome of request N
    // depends only on the seed, not on timing or on which settings happen to be active.
    const draws = { hang: random(), failure: random(), malformed: random(), latency: random() };

    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const end = (status: number | null) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      attempt.endedAt = now();
      attempt.status = status;
      inFlight -= 1;
    };
    response.on("finish", () => end(response.statusCode));
    // Fires when the client disconnects first: a hung request ends here, cleanly.
    response.on("close", () => end(response.writableFinished ? response.statusCode : null));

    readBody(request)
      .then((rawBody) => {
        if (ended) return;
        let body: Record<string, unknown>;
        try {
          body = rawBody.length === 0 ? {} : (JSON.parse(rawBody) as Record<string, unknown>);
        } catch {
          sendError(response, 400, "We could not parse the JSON body of your request.", "invalid_request_error");
          return;
        }
        if (typeof body.model === "string") attempt.model = body.model;

        const modelBucket = bucketFor(attempt.model);
        const waitMs = modelBucket?.take();
        // Counted when the request arrives, as a provider counts it, and sent with the answer.
        const quotaHeaders = modelBucket && settings.rateLimitHeaders ? rateLimitHeaders(modelBucket) : undefined;
        if (waitMs !== undefined) {
          const seconds = Math.max(1, Math.ceil(waitMs / 1000));
          attempt.retryAfterMs = Math.max(1, Math.ceil(waitMs));
          sendJson(
            response,
            429,
            { error: { message: "Rate limit reached for requests", type: "requests", param: null, code: "rate_limit_exceeded" } },
            { "retry-after": String(seconds), "retry-after-ms": String(attempt.retryAfterMs), ...quotaHeaders },
          );
          return;
        }

        if (draws.hang < (settings.hangRate ?? 0)) return; // never answers; ends when the client aborts

        const answer = () => {
          timer = undefined;
          if (ended) return;
          if (draws.failure < (settings.failureRate ?? 0)) {
            const status = settings.failureStatus ?? 500;
            sendError(response, status, `The fake provider failed this request on purpose (${status}).`, "server_error");
            return;
          }
          route(response, { id, path, body }, draws.malformed < (settings.malformedRate ?? 0), quotaHeaders).catch((error: unknown) => {
            if (!ended) sendError(response, 500, error instanceof Error ? error.message : String(error), "server_error");
          });
        };
        const delay = latencyFor(settings, draws.latency, attempt.model);
        if (delay > 0) timer = setTimeout(answer, delay);
        else answer();
      })
      .catch(() => {
        if (!ended) response.destroy();
      });
  });

  async function route(
    response: http.ServerResponse,
    request: FakeRequest,
    malformed: boolean,
    quotaHeaders: Record<string, string> | undefined,
  ): Promise<void> {
    const override = await responder?.(request);
    const headers = quotaHeaders || override?.headers ? { ...quotaHeaders, ...override?.headers } : undefined;
    if (override?.body !== undefined) {
      sendJson(response, override.status ?? 200, override.body, headers);
      return;
    }
    if (request.path === "/v1/chat/completions") {
      const answer = await chatCompletion(request, malformed, override?.content);
      sendJson(response, override?.status ?? 200, answer, headers);
      return;
    }
    if (request.path === "/v1/images/generations") {
      const answer = await imageGeneration(request);
      if (answer.error) {
        sendError(response, 400, answer.error, "invalid_request_error");
        return;
      }
      sendJson(response, override?.status ?? 200, answer.body, headers);
      return;
    }
    if (request.path === "/v1/models") {
      sendJson(response, 200, { object: "list", data: [] });
      return;
    }
    sendError(response, 404, `Unknown request URL: POST ${request.path}.`, "invalid_request_error");
  }

  async function chatCompletion(request: FakeRequest, malformed: boolean, contentOverride?: string) {
    const { body } = request;
    const model = typeof body.model === "string" ? body.model : "fake-model";
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
    const promptTokens = messages.reduce((total, message) => total + 4 + estimateTokens(message.content), 3);
    const modalities = Array.isArray(body.modalities) ? (body.modalities as unknown[]) : [];

    let content: string;
    let images: unknown[] | undefined;
    let completionTokens: number;
    if (modalities.includes("image")) {
      const imageConfig = (body.image_config ?? {}) as { aspect_ratio?: string };
      const [width, height] = ASPECT_RATIO_SIZES[imageConfig.aspect_ratio ?? "1:1"] ?? [1024, 1024];
      const base64 = await pngBase64(width, height);
      content = contentOverride ?? "Here is the image you asked for.";
      images = [{ type: "image_url", image_url: { url: `data:image/png;base64,${base64}` } }];
      completionTokens = 1290 + estimateTokens(content);
    } else {
      content = contentOverride ?? textContent(body, request.id);
      if (malformed && contentOverride === undefined) content = breakJson(content);
      completionTokens = estimateTokens(content);
    }
    return {
      id: `chatcmpl-fake-${request.id}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content, refusal: null, ...(images ? { images } : {}) },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }

  function textContent(body: Record<string, unknown>, id: number): string {
    const format = body.response_format as { type?: string; json_schema?: { schema?: JsonSchema } } | undefined;
    if (format?.type === "json_schema" && format.json_schema?.schema) {
      const value = sampleFromJsonSchema(format.json_schema.schema, { random: seededRandom((settings.seed ?? 1) * 7919 + id) });
      return JSON.stringify(value);
    }
    if (format?.type === "json_object") return JSON.stringify({ answer: `fake answer ${id}` });
    return `Fake answer ${id}.`;
  }

  async function imageGeneration(request: FakeRequest): Promise<{ body?: unknown; error?: string }> {
    const { body } = request;
    const size = typeof body.size === "string" && body.size !== "auto" ? body.size : "1024x1024";
    const match = /^(\d{2,4})x(\d{2,4})$/.exec(size);
    if (!match) return { error: `Invalid value: '${size}'. Expected a size like '1024x1024'.` };
    const width = Number(match[1]);
    const height = Number(match[2]);
    if (width > 4096 || height > 4096) return { error: `Invalid size '${size}': at most 4096 pixels a side.` };
    const count = Math.min(Math.max(typeof body.n === "number" ? body.n : 1, 1), 4);
    const base64 = await pngBase64(width, height);
    const prompt = typeof body.prompt === "string" ? body.prompt : "";
    return {
      body: {
        created: Math.floor(Date.now() / 1000),
        data: Array.from({ length: count }, () => ({ b64_json: base64, revised_prompt: `A picture of ${prompt}` })),
      },
    };
  }

  function pngBase64(width: number, height: number): Promise<string> {
    const key = `${width}x${height}`;
    let cached = pngCache.get(key);
    if (!cached) {
      // A plain tile, different per size, so a test can tell the sizes apart by their pixels too.
      const shade = (width * 7 + height * 13) % 200;
      cached = sharp({ create: { width, height, channels: 3, background: { r: 40 + shade / 2, g: 90, b: 160 - shade / 2 } } })
        .png()
        .toBuffer()
        .then((buffer) => buffer.toString("base64"));
      cached.catch(() => pngCache.delete(key));
      pngCache.set(key, cached);
    }
    return cached;
  }

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Benchmarks open many keep-alive sockets; do not let the server's defaults cut them short.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenOptions.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("The fake provider has no TCP address.");

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    configure(update) {
      settings = { ...settings, ...update };
      if ("seed" in update) random = seededRandom(settings.seed ?? 1);
      // A new limit starts from a full bucket, as after a quiet spell.
      if ("rateLimit" in update) bucket = settings.rateLimit ? createBucket(settings.rateLimit) : undefined;
      if ("models" in update || "rateLimit" in update) modelBuckets = new Map();
    },
    attempts: () => attempts.slice(),
    peakInFlight: () => peakInFlight,
    inFlight: () => inFlight,
    reset() {
      attempts = [];
      peakInFlight = inFlight;
    },
    respondWith(next) {
      responder = next;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests would keep server.close() waiting forever: cut every socket now.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function latencyFor(settings: FakeProviderSettings, draw: number, model: string | undefined): number {
  const latency = (model === undefined ? undefined : settings.models?.[model]?.latencyMs) ?? settings.latencyMs ?? 0;
  let milliseconds: number;
  if (typeof latency === "number") milliseconds = latency;
  else if ("min" in latency) milliseconds = latency.min + (latency.max - latency.min) * draw;
  else milliseconds = latency.mean + (2 * draw - 1) * latency.jitter;
  return Math.max(0, milliseconds * (settings.timeScale ?? 1));
}

function estimateTokens(content: unknown): number {
  if (typeof content === "string") return Math.ceil(content.length / 4);
  if (Array.isArray(content)) {
    // Vision parts: text counts by length, each image like a low-detail tile.
    return content.reduce<number>((total, part: { type?: string; text?: string }) => {
      if (part?.type === "image_url") return total + 85;
      return total + Math.ceil((part?.text ?? "").length / 4);
    }, 0);
  }
  return 0;
}

function breakJson(content: string): string {
  // Cut the document in half and leave a trailing comma: never valid JSON, still plausible.
  return `${content.slice(0, Math.max(1, Math.floor(content.length / 2)))},`;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("Request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function sendError(response: http.ServerResponse, status: number, message: string, type: string): void {
  sendJson(response, status, { error: { message, type, param: null, code: null } });
}

// The small pure pieces the providers rely on: Retry-After parsing, size mapping, the image URL
// guard, the generic schema sampler, structured-output parsing and the PNG check.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sampleFromJsonSchema } from "@/server/providers/json-schema-sample";
import { openAIImageQuality, openAIImageSize, openRouterAspectRatio } from "@/server/providers/image-sizes";
import { fromStatus, retryAfterFromHeaders } from "@/server/providers/provider-errors";
import { parseResetDuration, readRateLimitHeaders } from "@/server/providers/rate-limit-headers";
import { assertFetchableImageUrl } from "@/server/providers/safe-fetch";
import { toPng } from "@/server/providers/png";
import { jsonSchemaFor, parseStructuredOutput } from "@/server/providers/structured-output";
import { seededRandom } from "@/server/providers/seeded-random";

describe("rate-limit headers", () => {
  it("reads reset times as OpenAI writes them, in Go's duration format", () => {
    expect(parseResetDuration("1s")).toBe(1000);
    expect(parseResetDuration("6m0s")).toBe(360_000);
    expect(parseResetDuration("20ms")).toBe(20);
    expect(parseResetDuration("1h2m3.5s")).toBe(3_723_500);
    expect(parseResetDuration("2.5")).toBe(2500);
    expect(parseResetDuration("soon")).toBeUndefined();
    expect(parseResetDuration("5s later")).toBeUndefined();
    expect(parseResetDuration("")).toBeUndefined();
  });

  it("reads the request and token quotas, each only when whole", () => {
    const headers = new Headers({
      "x-ratelimit-limit-requests": "60",
      "x-ratelimit-remaining-requests": "59",
      "x-ratelimit-reset-requests": "1s",
      "x-ratelimit-limit-tokens": "150000",
      "x-ratelimit-remaining-tokens": "149984",
      "x-ratelimit-reset-tokens": "6ms",
    });
    expect(readRateLimitHeaders(headers)).toEqual({
      requests: { limit: 60, remaining: 59, resetMs: 1000 },
      tokens: { limit: 150_000, remaining: 149_984, resetMs: 6 },
    });
    headers.delete("x-ratelimit-reset-tokens");
    expect(readRateLimitHeaders(headers)).toEqual({ requests: { limit: 60, remaining: 59, resetMs: 1000 } });
    expect(readRateLimitHeaders(new Headers())).toBeUndefined();
  });

  it("come with errors too", () => {
    const error = fromStatus(
      429,
      new Headers({ "x-ratelimit-limit-requests": "5", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "12s" }),
      "",
      "openai",
    );
    expect(error.rateLimit).toEqual({ requests: { limit: 5, remaining: 0, resetMs: 12_000 } });
  });
});

describe("retryAfterFromHeaders", () => {
  it("prefers retry-after-ms, then reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterFromHeaders(new Headers({ "retry-after-ms": "1250", "retry-after": "9" }))).toBe(1250);
    expect(retryAfterFromHeaders(new Headers({ "retry-after": "7" }))).toBe(7000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterFromHeaders(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }), now)).toBe(30_000);
    expect(retryAfterFromHeaders(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers())).toBeUndefined();
  });

  it("classifies statuses", () => {
    expect(fromStatus(408, undefined, "", "openai")).toMatchObject({ kind: "conflict", isRetryable: true });
    expect(fromStatus(409, undefined, "", "openai")).toMatchObject({ kind: "conflict", isRetryable: true });
    expect(fromStatus(401, undefined, "", "openai")).toMatchObject({ kind: "auth", isRetryable: false });
    expect(fromStatus(422, undefined, "", "openai")).toMatchObject({ kind: "bad-request", isRetryable: false });
    // Only OpenRouter's 402 with Retry-After is a throttle; OpenAI's 402 is not.
    expect(fromStatus(402, new Headers({ "retry-after": "2" }), "", "openai")).toMatchObject({ isRetryable: false });
  });
});

describe("image sizes", () => {
  it("maps sizes and aspect ratios to what each model accepts", () => {
    expect(openAIImageSize("dall-e-3", "1792x1024")).toBe("1792x1024");
    expect(openAIImageSize("dall-e-3", "9:16")).toBe("1024x1792");
    expect(openAIImageSize("dall-e-3", "1:1")).toBe("1024x1024");
    expect(openAIImageSize("gpt-image-1", "1792x1024")).toBe("1536x1024");
    expect(openAIImageSize("gpt-image-1", "1024x1792")).toBe("1024x1536");
    expect(openAIImageSize("gpt-image-1", "2:3")).toBe("1024x1536");
    expect(openAIImageQuality("gpt-image-1", "standard")).toBe("medium");
    expect(openAIImageQuality("gpt-image-1", "hd")).toBe("high");
    expect(openAIImageQuality("dall-e-3", "hd")).toBe("hd");
    expect(openRouterAspectRatio("1792x1024")).toBe("16:9");
    expect(openRouterAspectRatio("1024x1792")).toBe("9:16");
    expect(openRouterAspectRatio("3:2")).toBe("3:2");
  });
});

describe("assertFetchableImageUrl", () => {
  it("allows only the provider's host, over https or loopback http", () => {
    expect(assertFetchableImageUrl("https://api.example.com/files/a.png", "https://api.example.com/v1").href).toBe("https://api.example.com/files/a.png");
    expect(() => assertFetchableImageUrl("https://evil.example.net/a.png", "https://api.example.com/v1")).toThrow(/not the provider's host/);
    expect(() => assertFetchableImageUrl("http://api.example.com/a.png", "https://api.example.com/v1")).toThrow(/https/);
    expect(() => assertFetchableImageUrl("http://169.254.169.254/latest", "https://api.example.com/v1")).toThrow(/not the provider's host/);
    expect(assertFetchableImageUrl("http://127.0.0.1:4000/a.png", "http://127.0.0.1:4000/v1").protocol).toBe("http:");
    expect(() => assertFetchableImageUrl("not a url", "https://api.example.com/v1")).toThrow(/not a valid URL/);
  });
});

describe("sampleFromJsonSchema", () => {
  it("builds values that pass the zod schema they came from, across seeds", () => {
    const schema = z.object({
      title: z.string().min(30).max(35),
      kind: z.enum(["a", "b"]),
      count: z.int().min(5).max(6),
      ratio: z.number().min(0).max(1),
      flag: z.boolean().optional(),
      tags: z.array(z.string().max(8)).min(4).max(4),
      nested: z.object({ items: z.array(z.object({ id: z.string(), value: z.number().nullable() })).max(1) }),
      literal: z.literal("fixed"),
      either: z.union([z.string(), z.number()]),
      email: z.email(),
    });
    for (let seed = 1; seed <= 20; seed += 1) {
      const value = sampleFromJsonSchema(jsonSchemaFor(schema), { random: seededRandom(seed) });
      expect(schema.safeParse(value).error).toBeUndefined();
    }
  });
});

describe("parseStructuredOutput", () => {
  const schema = z.object({ name: z.string() });
  it("accepts valid JSON, including inside a code fence", () => {
    expect(parseStructuredOutput(schema, '{"name":"Ada"}')).toEqual({ success: true, data: { name: "Ada" } });
    expect(parseStructuredOutput(schema, '```json\n{"name":"Ada"}\n```')).toEqual({ success: true, data: { name: "Ada" } });
  });
  it("explains what is wrong otherwise", () => {
    const broken = parseStructuredOutput(schema, '{"name":');
    expect(broken.success).toBe(false);
    expect(!broken.success && broken.problem).toContain("not valid JSON");
    const wrong = parseStructuredOutput(schema, '{"name":3}');
    expect(!wrong.success && wrong.problem).toContain("name");
    expect(parseStructuredOutput(schema, null).success).toBe(false);
  });
});

describe("toPng", () => {
  it("keeps a PNG as it is and reads its size from its header", async () => {
    const png = await sharp({ create: { width: 48, height: 20, channels: 3, background: "#336699" } }).png().toBuffer();
    const result = await toPng(png);
    expect(result.png).toBe(png);
    expect(result).toMatchObject({ width: 48, height: 20 });
  });

  it("converts other formats to PNG", async () => {
    const jpeg = await sharp({ create: { width: 30, height: 40, channels: 3, background: "#993366" } }).jpeg().toBuffer();
    const result = await toPng(jpeg);
    expect(result).toMatchObject({ width: 30, height: 40 });
    expect((await sharp(result.png).metadata()).format).toBe("png");
  });

  it("refuses a cut-off PNG and bytes that are no image", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000000" } }).png().toBuffer();
    await expect(toPng(png.subarray(0, 20))).rejects.toThrow("The provider's image could not be read: the PNG has no header chunk");
    await expect(toPng(Buffer.from("not an image at all"))).rejects.toThrow("The provider's image could not be read");
  });
});

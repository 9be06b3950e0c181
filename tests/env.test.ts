import { describe, expect, test } from "vitest";
import { ConfigurationError, parseEnv } from "@/server/env";

describe("configuration", () => {
  test("defaults match the systems Storyforge replaces", () => {
    const settings = parseEnv({});
    expect(settings).toMatchObject({
      GENERATION_PROVIDER: "offline",
      DATABASE_URL: "file:./data/storyforge.db",
      MAX_CONCURRENT: 20,
      BATCH_DEFAULT_WORKERS: 5,
      BATCH_MAX_WORKERS: 20,
      BATCH_MAX_CONCURRENT: 10,
      LLM_TIMEOUT_SECONDS: 120,
      RETRY_MAX_ATTEMPTS: 4,
      RATE_LIMIT_MAX_WAIT_SECONDS: 900,
      HOST: "127.0.0.1",
      PORT: 3000,
    });
  });

  test("empty strings count as unset", () => {
    expect(parseEnv({ MAX_CONCURRENT: "", GENERATION_PROVIDER: "" })).toMatchObject({ MAX_CONCURRENT: 20, GENERATION_PROVIDER: "offline" });
  });

  test("a bad value names the setting and what is allowed", () => {
    const attempt = () => parseEnv({ MAX_CONCURRENT: "lots", GENERATION_PROVIDER: "magic" });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/MAX_CONCURRENT must be a positive whole number/);
    expect(attempt).toThrow(/GENERATION_PROVIDER .*"offline"/);
  });

  test("REDIS_URL scales out onto workers, only with a PostgreSQL database", () => {
    expect(parseEnv({}).REDIS_URL).toBeUndefined();
    const scaled = parseEnv({ DATABASE_URL: "postgres://127.0.0.1/storyforge", REDIS_URL: "redis://127.0.0.1:6379", WORKER_LOCK_SECONDS: "3" });
    expect([scaled.REDIS_URL, scaled.WORKER_LOCK_SECONDS]).toEqual(["redis://127.0.0.1:6379", 3]);
    expect(parseEnv({}).WORKER_LOCK_SECONDS).toBe(5);
    expect(() => parseEnv({ REDIS_URL: "redis://127.0.0.1:6379" })).toThrow(/REDIS_URL needs a PostgreSQL DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_URL: "postgres://127.0.0.1/storyforge", REDIS_URL: "127.0.0.1:6379" })).toThrow(/REDIS_URL must start with "redis:\/\/"/);
  });

  test("the database is an embedded SQLite file or a PostgreSQL server", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://storyforge:secret@127.0.0.1:5432/storyforge" }).DATABASE_URL).toBe("postgres://storyforge:secret@127.0.0.1:5432/storyforge");
    expect(parseEnv({ DATABASE_URL: "postgresql://127.0.0.1/storyforge" }).DATABASE_URL).toBe("postgresql://127.0.0.1/storyforge");
    expect(() => parseEnv({ DATABASE_URL: "mysql://127.0.0.1/storyforge" })).toThrow(/DATABASE_URL must start with "file:" .* or "postgres:\/\/"/);
  });

  test("the rate-limit wait is a positive number of seconds", () => {
    expect(parseEnv({ RATE_LIMIT_MAX_WAIT_SECONDS: "90.5" }).RATE_LIMIT_MAX_WAIT_SECONDS).toBe(90.5);
    expect(() => parseEnv({ RATE_LIMIT_MAX_WAIT_SECONDS: "0" })).toThrow(/RATE_LIMIT_MAX_WAIT_SECONDS must be a positive number of seconds/);
    expect(() => parseEnv({ RATE_LIMIT_MAX_WAIT_SECONDS: "soon" })).toThrow(/RATE_LIMIT_MAX_WAIT_SECONDS must be a number of seconds/);
  });

  test("a real provider needs its key", () => {
    expect(() => parseEnv({ GENERATION_PROVIDER: "openai" })).toThrow(/OPENAI_API_KEY is required when GENERATION_PROVIDER=openai/);
  });

  test("default workers may not exceed the maximum", () => {
    expect(() => parseEnv({ BATCH_DEFAULT_WORKERS: "30" })).toThrow(/BATCH_DEFAULT_WORKERS must not exceed BATCH_MAX_WORKERS \(20\)/);
  });
});

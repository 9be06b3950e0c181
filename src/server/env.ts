// The app's configuration, read once from the environment and validated with zod.
// Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
import { z } from "zod";

const wholeNumber = () =>
  z.coerce
    .number({ error: "must be a positive whole number" })
    .int("must be a positive whole number")
    .positive("must be a positive whole number");
const positiveInt = (fallback: number) => wholeNumber().default(fallback);
const seconds = () => z.coerce.number({ error: "must be a number of seconds" }).positive("must be a positive number of seconds");

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number({ error: "must be a port number" }).int().min(1, "must be between 1 and 65535").max(65535, "must be between 1 and 65535").default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with "file:" (the embedded SQLite database) or "postgres://" (PostgreSQL)')
      .default("file:./data/storyforge.db"),
    DATA_DIR: z.string().default("./data"),
    // Where image files live: DATA_DIR/images, or an S3-compatible bucket (docs/scale-out.md).
    IMAGE_STORE: z.enum(["directory", "s3"]).default("directory"),
    S3_BUCKET: z.string().optional(),
    S3_PREFIX: z.string().regex(/^((?!\.\.?\/)[A-Za-z0-9._-]+\/)+$/, 'must be folder names, each ending in "/" (e.g. "images/")').default("images/"),
    // Unset: AWS's endpoint for S3_REGION. Set for any other S3-compatible server.
    S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
    S3_REGION: z.string().default("us-east-1"),
    S3_FORCE_PATH_STYLE: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("false").transform((value) => value === "true"),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    // Scaled out (docs/scale-out.md): runs go to `npm run worker` processes through BullMQ on this
    // Redis, and run events reach every app instance over its pub/sub. Needs a PostgreSQL DATABASE_URL.
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with "redis://" or "rediss://"').optional(),
    // How long a worker's hold on a run lasts without renewal: a killed worker's runs are taken over
    // by another worker within about twice this.
    WORKER_LOCK_SECONDS: seconds().default(5),
    // Workers share one budget per kind and provider model through Redis (the provider sees one
    // client); "per-process" keeps each worker's own, as before (a baseline for benchmarks).
    WORKER_BUDGETS: z.enum(["shared", "per-process"]).default("shared"),
    // Runs one worker executes at once (BATCH_MAX_CONCURRENT holds across all of them); unset: as
    // many as BATCH_MAX_CONCURRENT.
    WORKER_RUNS: wholeNumber().optional(),
    BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    BETTER_AUTH_URL: z.url().optional(),
    // How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts no such header.
    TRUSTED_PROXY: z.coerce.number({ error: "must be a whole number of proxy hops" }).int("must be a whole number of proxy hops").min(0, "must be 0 or more proxy hops").default(0),
    // Sign-in attempts per account and per client address in 15 minutes; accounts created per address in an hour.
    AUTH_SIGN_IN_ATTEMPTS_PER_ACCOUNT: positiveInt(10),
    AUTH_SIGN_IN_ATTEMPTS_PER_ADDRESS: positiveInt(50),
    AUTH_SIGN_UPS_PER_ADDRESS: positiveInt(20),

    GENERATION_PROVIDER: z.enum(["offline", "openai", "openrouter"]).default("offline"),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.url().default("https://api.openai.com/v1"),
    OPENROUTER_API_KEY: z.string().optional(),
    OPENROUTER_BASE_URL: z.url().default("https://openrouter.ai/api/v1"),
    TEXT_MODEL: z.string().optional(),
    IMAGE_MODEL: z.string().optional(),
    VISION_MODEL: z.string().optional(),

    MAX_CONCURRENT: positiveInt(20),
    MAX_CONCURRENT_TEXT: wholeNumber().optional(),
    MAX_CONCURRENT_IMAGE: wholeNumber().optional(),
    MAX_CONCURRENT_VISION: wholeNumber().optional(),
    BATCH_DEFAULT_WORKERS: positiveInt(5),
    BATCH_MAX_WORKERS: positiveInt(20),
    BATCH_MAX_CONCURRENT: positiveInt(10),
    LLM_TIMEOUT_SECONDS: seconds().default(120),
    IMAGE_TIMEOUT_SECONDS: seconds().optional(),
    RETRY_MAX_ATTEMPTS: positiveInt(4),
    RATE_LIMIT_MAX_WAIT_SECONDS: seconds().default(900),
    /** Bearer key for the operator endpoints (/api/v1/ops/*); unset, only admin sessions reach them. */
    OPERATOR_API_KEY: z.string().min(24, "must be at least 24 characters").optional(),
  })
  .superRefine((env, context) => {
    if (env.BATCH_DEFAULT_WORKERS > env.BATCH_MAX_WORKERS) {
      context.addIssue({
        code: "custom",
        path: ["BATCH_DEFAULT_WORKERS"],
        message: `must not exceed BATCH_MAX_WORKERS (${env.BATCH_MAX_WORKERS})`,
      });
    }
    if (env.REDIS_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
      context.addIssue({ code: "custom", path: ["REDIS_URL"], message: "needs a PostgreSQL DATABASE_URL (workers and app instances share the database)" });
    }
    if (env.IMAGE_STORE === "s3" && !env.S3_BUCKET) {
      context.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when IMAGE_STORE=s3" });
    }
    if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
      context.addIssue({ code: "custom", path: [env.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"], message: "must be set together with the other S3 key setting" });
    }
    if (env.GENERATION_PROVIDER === "openai" && !env.OPENAI_API_KEY) {
      context.addIssue({ code: "custom", path: ["OPENAI_API_KEY"], message: "is required when GENERATION_PROVIDER=openai" });
    }
    if (env.GENERATION_PROVIDER === "openrouter" && !env.OPENROUTER_API_KEY) {
      context.addIssue({ code: "custom", path: ["OPENROUTER_API_KEY"], message: "is required when GENERATION_PROVIDER=openrouter" });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigurationError";
  }
}

/** Validates a raw environment; throws a ConfigurationError naming every bad setting. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigurationError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The process's configuration, validated on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The origin browsers use to reach the app: BETTER_AUTH_URL, or the address it listens on. */
export function appOrigin(settings: Pick<Env, "BETTER_AUTH_URL" | "HOST" | "PORT">): string {
  return settings.BETTER_AUTH_URL ?? `http://${settings.HOST}:${settings.PORT}`;
}

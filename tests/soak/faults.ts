// What the soak and its fault-injecting provider process share.
import type { FakeLatency } from "../fake-provider/server";

/** The image model the soak's providers name, so images get their own (slower) latency. */
export const SOAK_IMAGE_MODEL = "soak-image";

export interface FaultSettings {
  seed: number;
  timeScale: number;
  textLatencyMs: FakeLatency;
  imageLatencyMs: FakeLatency;
  serverErrorRate: number;
  rateLimitRate: number;
  hangRate: number;
  malformedRate: number;
  /** Unscaled, as a provider would say it. */
  retryAfterMs: number;
}

export interface FaultSummary {
  calls: number;
  ok: number;
  rateLimited: number;
  serverErrors: number;
  /** Answered by nothing: the client gave up (a hang) or went away. */
  unanswered: number;
  malformed: number;
  peakInFlight: number;
}


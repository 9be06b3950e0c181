// The fake provider for the fault soak, in a process of its own (so the soak's memory figures are
// the app's alone). Answers come from the domains' offline responders; on top of the fake server's
// own 5xx and hangs, a seeded share of answers are 429s with a short Retry-After and a share of chat
// answers are broken JSON. Settings arrive as JSON in argv[2]; the parent asks for a summary over IPC.
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { seededRandom } from "@/server/providers/seeded-random";
import { offlineAnswers } from "../fake-provider/offline-answers";
import { startFakeProvider } from "../fake-provider/server";
import { SOAK_IMAGE_MODEL, type FaultSettings, type FaultSummary } from "./faults";

const settings = JSON.parse(process.argv[2] ?? "{}") as FaultSettings;
const provider = await startFakeProvider({
  seed: settings.seed,
  timeScale: settings.timeScale,
  latencyMs: settings.textLatencyMs,
  models: { [SOAK_IMAGE_MODEL]: { latencyMs: settings.imageLatencyMs } },
  failureRate: settings.serverErrorRate,
  failureStatus: 503,
  hangRate: settings.hangRate,
});
const answers = offlineAnswers(OFFLINE_RESPONDERS);
const random = seededRandom(settings.seed * 31 + 7);
let malformed = 0;
// The server's own 5xx and hangs come first, so the shares below are of what is left: each fault is
// then its configured share of all calls.
const left = 1 - settings.serverErrorRate - settings.hangRate;
const rateLimitShare = settings.rateLimitRate / left;
const malformedShare = settings.malformedRate / left;
provider.respondWith(async (request) => {
  const draw = random();
  if (draw < rateLimitShare) {
    const wait = Math.max(1, Math.round(settings.retryAfterMs * settings.timeScale));
    return { status: 429, headers: { "retry-after-ms": String(wait), "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) }, body: { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } } };
  }
  if (draw < rateLimitShare + malformedShare && request.path.endsWith("/chat/completions")) {
    malformed += 1;
    return { content: '{"truncated": [1, 2,' };
  }
  return answers(request);
});
process.send!({ type: "ready", url: provider.url });

process.on("message", async (message: { type: "summary" | "close"; id: number }) => {
  if (message.type === "close") {
    await provider.close();
    process.send!({ id: message.id }, () => process.exit(0));
    return;
  }
  const attempts = provider.attempts();
  const summary: FaultSummary = {
    calls: attempts.length,
    ok: attempts.filter((attempt) => attempt.status === 200).length,
    rateLimited: attempts.filter((attempt) => attempt.status === 429).length,
    serverErrors: attempts.filter((attempt) => attempt.status !== null && attempt.status >= 500).length,
    unanswered: attempts.filter((attempt) => attempt.status === null).length,
    malformed,
    peakInFlight: provider.peakInFlight(),
  };
  process.send!({ id: message.id, summary });
});

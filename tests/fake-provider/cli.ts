// `npm run fake-provider`: runs the fake OpenAI-compatible server until Ctrl-C, so the app or a
// benchmark can be pointed at it (OPENAI_BASE_URL=<printed URL>, any OPENAI_API_KEY).
// Flags win over environment variables:
//   --port / FAKE_PROVIDER_PORT                 default 0 (any free port)
//   --latency / FAKE_PROVIDER_LATENCY_MS        "300", "200-800" (min-max) or "500~100" (mean~jitter)
//   --time-scale / FAKE_PROVIDER_TIME_SCALE     multiplies every latency, e.g. 0.001
//   --rate / FAKE_PROVIDER_RATE                 token bucket refill, requests per second
//   --burst / FAKE_PROVIDER_BURST               token bucket size (default: the rate, at least 1)
//   --failure-rate / FAKE_PROVIDER_FAILURE_RATE share answered 500 (0..1)
//   --failure-status / FAKE_PROVIDER_FAILURE_STATUS
//   --hang-rate / FAKE_PROVIDER_HANG_RATE       share never answered
//   --malformed-rate / FAKE_PROVIDER_MALFORMED_RATE
//   --seed / FAKE_PROVIDER_SEED
//   --answers / FAKE_PROVIDER_ANSWERS           "offline" (default: requests a domain has offline
//                                               responders for are answered by them, so a story's
//                                               scenes read like the story) or "schema" (samples only)
import { parseArgs } from "node:util";
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { offlineAnswers } from "./offline-answers";
import { startFakeProvider, type FakeLatency, type FakeProviderSettings } from "./server";

const optionNames = [
  "port",
  "latency",
  "time-scale",
  "rate",
  "burst",
  "failure-rate",
  "failure-status",
  "hang-rate",
  "malformed-rate",
  "seed",
  "answers",
] as const;

const { values } = parseArgs({
  options: Object.fromEntries(optionNames.map((name) => [name, { type: "string" }])) as Record<
    (typeof optionNames)[number],
    { type: "string" }
  >,
  strict: true,
});

function setting(name: (typeof optionNames)[number]): string | undefined {
  const fromFlag = values[name];
  if (typeof fromFlag === "string" && fromFlag !== "") return fromFlag;
  const fromEnvironment = process.env[`FAKE_PROVIDER_${name.toUpperCase().replace(/-/g, "_")}${name === "latency" ? "_MS" : ""}`];
  return fromEnvironment === "" ? undefined : fromEnvironment;
}

function numberSetting(name: (typeof optionNames)[number]): number | undefined {
  const raw = setting(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${raw}"`);
  return value;
}

function latencySetting(): FakeLatency | undefined {
  const raw = setting("latency");
  if (raw === undefined) return undefined;
  const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(raw);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  const jittered = /^(\d+(?:\.\d+)?)~(\d+(?:\.\d+)?)$/.exec(raw);
  if (jittered) return { mean: Number(jittered[1]), jitter: Number(jittered[2]) };
  const fixed = Number(raw);
  if (!Number.isFinite(fixed)) throw new Error(`--latency must be "300", "200-800" or "500~100", got "${raw}"`);
  return fixed;
}

const rate = numberSetting("rate");
const settings: FakeProviderSettings = {
  latencyMs: latencySetting(),
  timeScale: numberSetting("time-scale"),
  rateLimit: rate ? { ratePerSecond: rate, burst: numberSetting("burst") ?? Math.max(1, Math.ceil(rate)) } : null,
  failureRate: numberSetting("failure-rate"),
  failureStatus: numberSetting("failure-status"),
  hangRate: numberSetting("hang-rate"),
  malformedRate: numberSetting("malformed-rate"),
  seed: numberSetting("seed"),
};
for (const key of Object.keys(settings) as Array<keyof FakeProviderSettings>) {
  if (settings[key] === undefined) delete settings[key];
}

const answers = setting("answers") ?? "offline";
if (answers !== "offline" && answers !== "schema") throw new Error(`--answers must be "offline" or "schema", got "${answers}"`);
const provider = await startFakeProvider(settings, { port: numberSetting("port") ?? 0 });
if (answers === "offline") provider.respondWith(offlineAnswers(OFFLINE_RESPONDERS));
console.log(`Fake provider listening on ${provider.url}`);
console.log(`Settings: ${JSON.stringify(settings)}`);
console.log("Try: GENERATION_PROVIDER=openai OPENAI_API_KEY=fake OPENAI_BASE_URL=" + provider.url);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const attempts = provider.attempts();
  console.log(`\nServed ${attempts.length} requests (peak ${provider.peakInFlight()} in flight). Stopping.`);
  provider.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

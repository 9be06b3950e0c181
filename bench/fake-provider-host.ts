// Runs the fake provider server in its own process for the benchmarks, so the server's CPU is
// not counted as the engine's. The benchmark drives it over the IPC channel between scenarios.
import { OFFLINE_RESPONDERS } from "@/server/domains";
import { offlineAnswers } from "../tests/fake-provider/offline-answers";
import { startFakeProvider, type FakeProviderSettings } from "../tests/fake-provider/server";

export type HostRequest =
  | { id: number; type: "configure"; settings: Partial<FakeProviderSettings> }
  | { id: number; type: "reset" }
  | { id: number; type: "answers"; offline: boolean }
  | { id: number; type: "summary" }
  | { id: number; type: "close" };

export interface HostSummary {
  attempts: number;
  rateLimited: number;
  failed: number;
  peakInFlight: number;
}

const provider = await startFakeProvider({ seed: 1 });
process.send!({ type: "ready", url: provider.url });

process.on("message", async (request: HostRequest) => {
  if (request.type === "configure") provider.configure(request.settings);
  if (request.type === "reset") provider.reset();
  // The domains' offline answers (a persona's stages read like that persona) instead of schema
  // samples, for the tables that run real task types: later stages read earlier ones' fields.
  if (request.type === "answers") provider.respondWith(request.offline ? offlineAnswers(OFFLINE_RESPONDERS) : null);
  if (request.type === "close") {
    await provider.close();
    process.send!({ id: request.id }, () => process.exit(0));
    return;
  }
  let summary: HostSummary | undefined;
  if (request.type === "summary") {
    const attempts = provider.attempts();
    summary = {
      attempts: attempts.length,
      rateLimited: attempts.filter((attempt) => attempt.status === 429).length,
      failed: attempts.filter((attempt) => attempt.status !== 200 && attempt.status !== 429).length,
      peakInFlight: provider.peakInFlight(),
    };
  }
  process.send!({ id: request.id, summary });
});

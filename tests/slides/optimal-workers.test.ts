// Optimal workers from what the engine measured: a deck rendered against a rate-limited fake
// provider teaches the image budget the provider's rate r and round trip L; the operator answers
// then recommend ⌈r·L⌉ workers with those measurements, and warn that more would meet 429s.
import { afterAll } from "vitest";
import { optimalWorkers, validateConfiguration } from "@/server/features/slides/operations";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, deckForm, fakeServerProviders, type SlidesTestServices } from "../helpers/slides-services";

let fake: FakeProvider;
let testServices: SlidesTestServices;

afterAll(async () => {
  await testServices?.close();
  await fake?.close();
});

test("recommends ⌈r·L⌉ workers from the rate and round trip the image budget learned", async ({ database, alice }) => {
  // Four images a second, a quarter of a second each: r·L ≈ 1, so more workers only meet 429s.
  fake = await startFakeProvider({ latencyMs: 250, rateLimit: { ratePerSecond: 4, burst: 1 } });
  testServices = createSlidesTestServices({ db: database.db, providers: fakeServerProviders(fake.url), engineSettings: { maxWorkers: 10, defaultWorkers: 5 } });
  const slides = deckForm(10).slides.map((slide) => ({ ...slide, imagePrompt: `picture of ${slide.title}` }));
  const { runId } = await testServices.caller(alice).slides.create(deckForm(10, { slides, maxWorkers: 10 }));
  expect((await testServices.services.engine.waitForRun(runId)).status).toBe("succeeded");
  expect(fake.attempts().some((attempt) => attempt.status === 429)).toBe(true);

  const answer = await optimalWorkers(testServices.services, 10);
  const { ratePerSecond, latencySeconds } = answer.measurement;
  expect(answer.basis).toBe("measured");
  expect(ratePerSecond).toBeGreaterThan(2);
  expect(ratePerSecond).toBeLessThanOrEqual(4.5);
  expect(latencySeconds).toBeGreaterThan(0.2);
  expect(answer.usefulWorkers).toBeCloseTo(ratePerSecond! * latencySeconds!, 6);
  expect(answer.workers).toBe(Math.ceil(ratePerSecond! * latencySeconds!));
  expect(answer.workers).toBeLessThanOrEqual(3);
  expect(answer.reason).toContain("useful workers");

  const verdict = await validateConfiguration(testServices.services, { slides: 10, maxWorkers: 10 });
  expect(verdict.rateLimit).toMatchObject({ likely: true, basis: "measured", recommendedWorkers: answer.workers });
  expect(verdict.warnings.join("\n")).toContain("would meet 429 rate limits");
  expect(verdict.estimatedSeconds).toBeGreaterThan(0);
});

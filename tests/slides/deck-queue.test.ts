// Decks wait in line under BATCH_MAX_CONCURRENT: with one deck at a time and a slow fake provider,
// the second and third decks are told their places (1st, 2nd), start in the order they came, each
// only after the one before has ended, and the operator endpoints count them while they wait.
import type { RunEvent } from "@/server/generation/events/run-events";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import { expect, test } from "../helpers/fixtures";
import { createSlidesTestServices, deckForm, fakeServerProviders, type SlidesTestServices } from "../helpers/slides-services";

let alice: TestUser;
let fake: FakeProvider;
let testServices: SlidesTestServices;

test.beforeAll(async ({ database, alice: owner }) => {
  alice = owner;
  fake = await startFakeProvider({ latencyMs: 250 });
  testServices = createSlidesTestServices({
    db: database.db,
    providers: fakeServerProviders(fake.url),
    engineSettings: { maxConcurrentRuns: 1, maxWorkers: 8, defaultWorkers: 2 },
  });
});
test.afterAll(async () => {
  await testServices?.close();
  await fake?.close();
});

/** Polls until `check` passes (the engine commits events a few milliseconds after they happen). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const withPrompts = (name: string) =>
  deckForm(2, { title: name, slides: deckForm(2).slides.map((slide) => ({ ...slide, imagePrompt: `${name}: ${slide.title}` })) });

test("later decks wait in line, see their place, and start in order when the one before ends", async () => {
  const caller = testServices.caller(alice);
  const first = await caller.slides.create(withPrompts("first"));
  const second = await caller.slides.create(withPrompts("second"));
  const third = await caller.slides.create(withPrompts("third"));

  const states = async () =>
    Promise.all([first, second, third].map(async ({ deckId }) => {
      const deck = await caller.slides.get({ deckId });
      return [deck.status, deck.run?.queuePosition ?? null];
    }));
  expect(await states()).toEqual([
    ["running", null],
    ["queued", 1],
    ["queued", 2],
  ]);

  const active = await eventually(() => caller.operations.active(), (value) => value.workersInUse === 2);
  expect(active).toMatchObject({ decks: { generating: 1, waiting: 2 }, runs: { active: 1, waiting: 2 }, workersInUse: 2 });
  const verdict = await caller.operations.validate({ slides: 10, maxWorkers: 50 });
  expect(verdict).toMatchObject({ workers: 8, clamped: true, queue: { startsNow: false, position: 3, runsActive: 1, runsWaiting: 2 } });
  expect(verdict.warnings.join("\n")).toContain("1 run is generating (the most at once is BATCH_MAX_CONCURRENT = 1) and 2 wait: this deck would be number 3 in line");

  const firstRun = await testServices.services.engine.waitForRun(first.runId);
  expect(firstRun.status).toBe("succeeded");
  expect(await eventually(states, (value) => value[2]![1] === 1)).toEqual([
    ["succeeded", null],
    ["running", null],
    ["queued", 1],
  ]);

  const secondRun = await testServices.services.engine.waitForRun(second.runId);
  const thirdRun = await testServices.services.engine.waitForRun(third.runId);
  expect(thirdRun.status).toBe("succeeded");
  // Each started only after the one before had ended.
  expect(secondRun.startedAt!.getTime()).toBeGreaterThanOrEqual(firstRun.endedAt!.getTime());
  expect(thirdRun.startedAt!.getTime()).toBeGreaterThanOrEqual(secondRun.endedAt!.getTime());
  // The provider saw the decks' images in that order, never two decks at once.
  const decksInArrivalOrder = fake
    .attempts()
    .filter((attempt) => attempt.path.endsWith("/images/generations"))
    .sort((left, right) => left.arrivedAt - right.arrivedAt);
  expect(decksInArrivalOrder).toHaveLength(6);
  const firstEnd = Math.max(...decksInArrivalOrder.slice(0, 2).map((attempt) => attempt.endedAt!));
  expect(decksInArrivalOrder[2]!.arrivedAt).toBeGreaterThanOrEqual(firstEnd);

  // The third deck's events told it its place as it changed, then that it started.
  const events: RunEvent[] = await testServices.services.engine.eventsAfter(third.runId, 0);
  const lineEvents = events.filter((event) => event.type === "queue-position" || event.type === "run-start");
  expect(lineEvents.map((event) => (event.type === "queue-position" ? event.payload.position : event.type))).toEqual([2, 1, "run-start"]);
});

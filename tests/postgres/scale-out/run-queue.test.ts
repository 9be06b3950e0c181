// The app instances' side of the runs queue (src/server/generation/queue/bullmq-run-queue.ts)
// while its redis-server is down: requests get an answer, not a wait as long as Redis is away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBullmqRunDispatcher, type BullmqRunDispatcher } from "@/server/generation/queue/bullmq-run-queue";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";

let redis: TestRedis;
let dispatcher: BullmqRunDispatcher;

/** What `promise` came to: its value, its error's message, or "still waiting" after `ms`. */
const outcome = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      (value) => `answered ${String(value)}`,
      (error: Error) => error.message,
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve("still waiting"), ms)),
  ]);

describe("the run queue with Redis down", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    dispatcher = createBullmqRunDispatcher(redis.url, { requestTimeoutMs: 500 });
    await dispatcher.dispatch("run-before");
    expect(await dispatcher.isQueued("run-before")).toBe(true);
    await redis.stop();
  });
  afterAll(async () => {
    // Its connection still retries: closing waits for nothing that will not come.
    void dispatcher?.close();
  });

  it("fails a dispatch and a cancel request with an error saying Redis did not answer, instead of waiting for it", async () => {
    expect(await outcome(dispatcher.dispatch("run-after"), 3_000)).toMatch(/Redis did not answer within 0.5 s: the run is stored/);
    expect(await outcome(dispatcher.requestCancel("run-before"), 3_000)).toMatch(/Redis did not answer within 0.5 s/);
    expect(await outcome(dispatcher.isQueued("run-before"), 3_000)).toMatch(/Redis did not answer within 0.5 s/);
    expect(await outcome(dispatcher.clearCancel("run-before"), 3_000)).toMatch(/Redis did not answer within 0.5 s/);
  });
});

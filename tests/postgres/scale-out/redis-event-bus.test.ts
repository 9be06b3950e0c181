// The Redis event bus on a real redis-server: what one process publishes, another hears, in order;
// and `ready` resolves only once a subscription hears what is published, which is what lets
// followers listen first and read stored events second without losing the events in between.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisEventBus, type RedisEventBus } from "@/server/generation/events/redis-event-bus";
import type { RunEvent } from "@/server/generation/events/run-events";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";

let redis: TestRedis;
let publisher: RedisEventBus;
let follower: RedisEventBus;

const event = (runId: string, seq: number): RunEvent => ({
  runId,
  seq,
  type: "task-start",
  payload: { key: `task-${seq}`, kind: "image" },
  createdAt: new Date(1_700_000_000_000 + seq),
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("run events over Redis", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    publisher = createRedisEventBus(redis.url);
    follower = createRedisEventBus(redis.url);
  });
  afterAll(async () => {
    await publisher?.close();
    await follower?.close();
    await redis?.stop();
  });

  it("a subscriber that waited for ready hears the very next event another process publishes, in order, with its date", async () => {
    // A process that has just started: its subscriber connection is still connecting when it
    // subscribes, so without waiting for ready, events published now would be missed.
    for (let round = 0; round < 5; round++) {
      const fresh = createRedisEventBus(redis.url);
      try {
        const runId = `run-${round}`;
        const heard: RunEvent[] = [];
        fresh.subscribe(runId, (received) => heard.push(received));
        await fresh.ready!(runId);
        for (let seq = 1; seq <= 5; seq++) publisher.publish(event(runId, seq));
        await until(() => heard.length === 5);
        expect(heard).toEqual([1, 2, 3, 4, 5].map((seq) => event(runId, seq)));
      } finally {
        await fresh.close();
      }
    }
  });

  it("hears only the runs it follows, and nothing after it stops following", async () => {
    const heard: RunEvent[] = [];
    const unsubscribe = follower.subscribe("followed", (received) => heard.push(received));
    await follower.ready!("followed");
    publisher.publish(event("other", 1));
    publisher.publish(event("followed", 1));
    await until(() => heard.length === 1);
    unsubscribe();
    // A later subscription's SUBSCRIBE follows the UNSUBSCRIBE on the same connection.
    const later: RunEvent[] = [];
    const again = follower.subscribe("probe", (received) => later.push(received));
    await follower.ready!("probe");
    publisher.publish(event("followed", 2));
    publisher.publish(event("probe", 1));
    await until(() => later.length === 1);
    expect(heard.map((received) => `${received.runId}:${received.seq}`)).toEqual(["followed:1"]);
    again();
  });
});

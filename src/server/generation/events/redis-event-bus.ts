// Run events over Redis pub/sub, for processes that share a database: the worker executing a run
// publishes its committed events, and every app instance with a follower of the run hears them.
// One channel per run, so a process hears only the runs it follows; one subscriber connection per
// process carries all of them.
//
// Followers listen first and read stored events second (follow-run.ts, run-feeds.ts). Redis
// subscribes asynchronously, so `ready(runId)` says when the SUBSCRIBE has been acknowledged, and
// the engine's eventsAfter waits for it: an event committed after the read is then heard. Followers
// drop what they already have by seq, and read the database across a hole (an event published
// while Redis was unreachable, or by a worker killed between its commit and its publish).
import { Redis } from "ioredis";
import { z } from "zod";
import type { RunEventBus, RunEventListener } from "./event-bus";
import { RUN_EVENT_TYPES, type RunEvent } from "./run-events";

export interface RedisEventBus extends RunEventBus {
  /** Waits for what was published to be sent, then closes both connections. */
  close(): Promise<void>;
}

const CHANNEL_PREFIX = "storyforge:run-events:";

/** What a message must hold to be delivered as a run event; anything else on the channel is dropped. */
const messageSchema = z.object({
  runId: z.string().min(1),
  seq: z.number().int().positive(),
  type: z.enum(RUN_EVENT_TYPES),
  payload: z.unknown(),
  createdAt: z.iso.datetime(),
});

export function createRedisEventBus(url: string): RedisEventBus {
  const publisher = new Redis(url, { lazyConnect: false });
  const subscriber = new Redis(url, { lazyConnect: false });
  for (const connection of [publisher, subscriber]) {
    connection.on("error", (error) => console.error("run events: Redis connection error", error.message));
  }
  const listeners = new Map<string, Set<RunEventListener>>();
  /** Per followed run: resolves when its SUBSCRIBE is acknowledged (rejects if it failed). */
  const subscribed = new Map<string, Promise<void>>();

  subscriber.on("message", (channel: string, message: string) => {
    if (!channel.startsWith(CHANNEL_PREFIX)) return;
    const forRun = listeners.get(channel.slice(CHANNEL_PREFIX.length));
    if (!forRun) return;
    let event: RunEvent;
    try {
      const parsed = messageSchema.parse(JSON.parse(message));
      event = { ...parsed, createdAt: new Date(parsed.createdAt) } as RunEvent;
    } catch (error) {
      console.error("run events: dropped a malformed message", error);
      return;
    }
    for (const listener of [...forRun]) {
      try {
        listener(event);
      } catch (error) {
        // One broken follower must not stop the others from hearing the event.
        console.error("run event listener failed", error);
      }
    }
  });

  return {
    publish(event) {
      // One connection sends in order, so a run's events arrive in seq order.
      publisher.publish(CHANNEL_PREFIX + event.runId, JSON.stringify(event)).catch((error: unknown) => {
        console.error("run events: could not publish", error);
      });
    },
    subscribe(runId, listener) {
      let forRun = listeners.get(runId);
      if (!forRun) {
        forRun = new Set();
        listeners.set(runId, forRun);
        const acknowledged = subscriber.subscribe(CHANNEL_PREFIX + runId).then(() => {});
        acknowledged.catch(() => {});
        subscribed.set(runId, acknowledged);
      }
      forRun.add(listener);
      const mine = forRun;
      return () => {
        mine.delete(listener);
        if (mine.size > 0 || listeners.get(runId) !== mine) return;
        listeners.delete(runId);
        subscribed.delete(runId);
        // Commands run in order on the connection: a later SUBSCRIBE to the run comes after this.
        subscriber.unsubscribe(CHANNEL_PREFIX + runId).catch(() => {});
      };
    },
    ready(runId) {
      return subscribed.get(runId) ?? Promise.resolve();
    },
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

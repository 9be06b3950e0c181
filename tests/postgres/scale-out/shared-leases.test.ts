// The leases behind a shared budget's slots (src/server/generation/limits/shared/), on a real
// redis-server: what a process counts as held is what Redis holds for it.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSharedBudgets } from "@/server/generation/limits/shared/shared-budgets";
import { createSharedLimiter } from "@/server/generation/limits/shared/shared-limiter";
import { startTestRedis, type TestRedis } from "../../helpers/redis-server";

let redis: TestRedis;
let connection: Redis;
const key = "storyforge:budget:image:openai:gpt-image-1";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("shared budget leases", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    connection = new Redis(redis.url);
  });
  afterAll(async () => {
    connection?.disconnect();
    await redis?.stop();
  });
  beforeEach(async () => {
    await connection.flushall();
  });

  it("a lease that ran out before it was renewed is no longer counted, and its call's release gives back no other call's lease", async () => {
    const processRedis = new Redis(redis.url);
    const limiter = createSharedLimiter({ redis: processRedis, key, channel: `${key}:events`, processId: "stalled", leaseMs: 300, initialLimit: 4, now: Date.now });
    try {
      await limiter.acquire();
      await limiter.acquire();
      expect(await connection.zrange(`${key}:leases`, 0, -1)).toEqual(["stalled:0", "stalled:1"]);
      // As when this process stalls past the lease and another process's acquire clears it away.
      await connection.zrem(`${key}:leases`, "stalled:0");
      // A renewal (every 100 ms) finds it gone.
      await sleep(250);
      expect(limiter.active).toBe(1);
      // The calls end: the first release is the lost lease's, the second the live one's.
      limiter.release();
      await sleep(50);
      expect(await connection.zrange(`${key}:leases`, 0, -1)).toEqual(["stalled:1"]);
      limiter.release();
      await sleep(50);
      expect(await connection.zcard(`${key}:leases`)).toBe(0);
      expect(limiter.active).toBe(0);
      expect(() => limiter.release()).toThrow("released more often than acquired");
    } finally {
      limiter.close();
      processRedis.disconnect();
    }
  });

  it("a budget built twice in one process is one limiter: each call holds a lease of its own, and closing the budgets gives every one back", async () => {
    const budgets = createSharedBudgets(redis.url, { leaseMs: 1_000 });
    const first = budgets.limiterFor("image", "openai:gpt-image-1")(3, Date.now);
    await first.acquire();
    await first.acquire();
    const second = budgets.limiterFor("image", "openai:gpt-image-1")(3, Date.now);
    await second.acquire();
    expect(await connection.zcard(`${key}:leases`)).toBe(3);
    await budgets.close();
    expect(await connection.zcard(`${key}:leases`)).toBe(0);
  });
});

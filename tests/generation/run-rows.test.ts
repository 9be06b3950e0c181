import { expect, test } from "vitest";
import { sqliteTime } from "@/server/generation/storage/run-rows";

test("times are formatted like the Prisma adapter's, also when rows alternate between many of them", () => {
  const base = Date.UTC(2026, 10, 22, 7, 59, 59, 990);
  const times = Array.from({ length: 200 }, (_, index) => base + ((index * 7) % 40));
  for (const time of [...times, ...times.reverse()]) {
    expect(sqliteTime(time)).toBe(new Date(time).toISOString().replace("Z", "+00:00"));
  }
  expect(sqliteTime(null)).toBeNull();
});

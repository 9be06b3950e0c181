import { afterEach, expect, test, vi } from "vitest";
import { sortableId } from "@/server/generation/storage/sortable-id";

afterEach(() => {
  vi.restoreAllMocks();
});

test("ids made within one millisecond stay unique and sorted, also past 65536 of them", () => {
  const now = Date.UTC(2030, 0, 1);
  vi.spyOn(Date, "now").mockReturnValue(now);
  const ids = Array.from({ length: 70_000 }, () => sortableId());
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
  expect(ids[0]!.slice(0, 12)).toBe(now.toString(16).padStart(12, "0"));
});

test("ids of a later millisecond sort after those of an earlier one", () => {
  const now = vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2031, 0, 1));
  const earlier = sortableId();
  now.mockReturnValue(Date.UTC(2031, 0, 1) + 1);
  const later = sortableId();
  expect(later > earlier).toBe(true);
  expect(later.slice(12, 16)).toBe("0000");
});

import { expect, test } from "vitest";
import { offlineCaps } from "@/server/offline-caps";

test("budgets served by the offline provider are capped at two calls per CPU worker; the others and lower settings are kept", () => {
  const caps = { text: 20, image: 20, vision: 1 };
  expect(offlineCaps(caps, { text: "openai", image: "offline", vision: "offline" }, 1)).toEqual({ text: 20, image: 2, vision: 1 });
  expect(offlineCaps(caps, { text: "offline", image: "offline", vision: "offline" }, 3)).toEqual({ text: 6, image: 6, vision: 1 });
  expect(offlineCaps(caps, { text: "openrouter", image: "openai", vision: "openai" }, 1)).toEqual(caps);
});

// The persona stage grid, rendered to HTML: a failed stage says why and offers "Retry stage" (only
// to someone who may), a skipped one names the stage that failed, a rate-limit wait counts down.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { LiveCell } from "@/components/personas/live-stages";
import { StageGrid, type RetryControl } from "@/components/personas/stage-grid";

const now = Date.UTC(2030, 0, 1);
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(now);
});
afterEach(() => {
  vi.useRealTimers();
});

const cell = (overrides: Partial<LiveCell>): LiveCell => ({
  stage: "core",
  number: 1,
  label: "Core persona",
  status: "succeeded",
  reason: null,
  waitUntil: null,
  posts: null,
  ...overrides,
});

const retry: RetryControl = { onRetry: () => undefined, pendingStage: null, disabledReason: null };
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ").trim();
const render = (cells: LiveCell[], control?: RetryControl) => renderToStaticMarkup(createElement(StageGrid, { cells, retry: control }));

describe("persona stage grid", () => {
  test("a failed stage shows its reason and a Retry stage button", () => {
    const html = render([cell({ stage: "network", number: 4, label: "Social network", status: "failed", reason: "The provider refused the request" })], retry);
    expect(text(html)).toBe("4 Social network Failed The provider refused the request Retry stage");
    expect(html).toContain('data-status="failed"');
  });

  test("without edit rights there is no Retry stage button, and a running run disables it with the reason", () => {
    const failed = cell({ status: "failed", reason: "Timed out" });
    expect(text(render([failed]))).not.toContain("Retry stage");
    const html = render([failed], { ...retry, disabledReason: "Wait for the current run to end, or cancel it" });
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*title="Wait for the current run to end, or cancel it"/);
  });

  test("a skipped stage names the stage that failed, without a retry of its own", () => {
    const html = render([cell({ stage: "posts", number: 3, label: "Example posts", status: "skipped", reason: "Skipped: Posting strategy (stage 2) failed" })], retry);
    expect(text(html)).toBe("3 Example posts Skipped Skipped: Posting strategy (stage 2) failed");
  });

  test("a stage held back by the rate limit counts down to its next try", () => {
    const html = render([cell({ status: "waiting", reason: "OpenAI answered 429", waitUntil: now + 12_400 })]);
    expect(text(html)).toBe("1 Core persona Waiting for the rate limit · next try in 13 s");
  });

  test("stage 3 counts its posts while it runs", () => {
    expect(text(render([cell({ stage: "posts", number: 3, label: "Example posts", status: "running", posts: { done: 3, total: 10 } })]))).toBe(
      "3 Example posts Running · 3/10",
    );
  });
});

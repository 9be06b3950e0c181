// The engine's DAG semantics with in-process handlers: order, outputs, extension, failure
// propagation, final statuses and the event log. Provider behaviour is tested over HTTP elsewhere.
import { afterAll, describe, expect, test } from "vitest";
import { ProviderError } from "@/server/providers/types";
import type { RunEvent } from "@/server/generation/run-events";
import type { TaskHandler } from "@/server/generation/types";
import { createTestDatabase } from "../helpers/database";
import { createTestEngine } from "./engine-fixtures";

const testDatabase = await createTestDatabase();
const engine = createTestEngine(testDatabase, { maxConcurrentRuns: 2 });
afterAll(async () => {
  await engine.shutdown();
  await testDatabase.cleanup();
});

const owner = { teamId: "team-a", ownerId: "user-a" };

/** Records the order in which tasks start; echoes its dependencies' outputs. */
const executionOrder: string[] = [];
engine.registerHandler("pipeline", {
  async execute(task, context) {
    executionOrder.push(task.key);
    const input = task.input as { fail?: boolean; extend?: number } | null;
    await context.callProvider("text", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (input?.fail) throw new ProviderError("bad prompt", { kind: "bad-request", status: 400, isRetryable: false });
    });
    if (input?.extend) {
      context.addTasks(
        Array.from({ length: input.extend }, (_, index) => ({
          key: `${task.key}/child-${index + 1}`,
          kind: "image" as const,
          dependsOn: [task.key],
          input: { index: index + 1 },
        })),
      );
    }
    return { key: task.key, saw: context.dependencies };
  },
} satisfies TaskHandler);

async function events(runId: string): Promise<RunEvent[]> {
  return engine.eventsAfter(runId, 0);
}

describe("a run's DAG", () => {
  test("runs dependencies first and hands their outputs to dependents", async () => {
    executionOrder.length = 0;
    const runId = await engine.submitRun({
      kind: "pipeline",
      ...owner,
      maxWorkers: 4,
      tasks: [
        { key: "join", kind: "text", dependsOn: ["left", "right"] },
        { key: "left", kind: "text", dependsOn: ["root"] },
        { key: "right", kind: "text", dependsOn: ["root"] },
        { key: "root", kind: "text" },
      ],
    });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(executionOrder[0]).toBe("root");
    expect(executionOrder[3]).toBe("join");
    const join = run.tasks.find((task) => task.key === "join")!;
    expect(join.output).toEqual({
      key: "join",
      saw: { left: { key: "left", saw: { root: { key: "root", saw: {} } } }, right: { key: "right", saw: { root: { key: "root", saw: {} } } } },
    });
  });

  test("tasks added by a stage are stored and run after it", async () => {
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "analyse", kind: "text", input: { extend: 3 } }] });
    const run = await engine.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(run.tasks.map((task) => task.key)).toEqual(["analyse", "analyse/child-1", "analyse/child-2", "analyse/child-3"]);
    expect(run.tasks.every((task) => task.status === "succeeded")).toBe(true);
    expect(run.counts).toEqual({ total: 4, succeeded: 4, failed: 0, skipped: 0, cancelled: 0 });
  });

  test("a failed task skips its dependents but not its siblings, and the run ends failed", async () => {
    const runId = await engine.submitRun({
      kind: "pipeline",
      ...owner,
      tasks: [
        { key: "core", kind: "text" },
        { key: "broken", kind: "text", dependsOn: ["core"], input: { fail: true } },
        { key: "after-broken", kind: "text", dependsOn: ["broken"] },
        { key: "sibling", kind: "text", dependsOn: ["core"] },
      ],
    });
    const run = await engine.waitForRun(runId);
    const status = Object.fromEntries(run.tasks.map((task) => [task.key, task.status]));
    expect(status).toEqual({ core: "succeeded", broken: "failed", "after-broken": "skipped", sibling: "succeeded" });
    expect(run.tasks.find((task) => task.key === "broken")!.lastError).toContain("bad prompt");
    expect(run.status).toBe("failed");
    expect(run.counts).toEqual({ total: 4, succeeded: 2, failed: 1, skipped: 1, cancelled: 0 });
  });

  test("every task ends exactly once in the numbered event log", async () => {
    const runId = await engine.submitRun({
      kind: "pipeline",
      ...owner,
      tasks: [
        { key: "a", kind: "text", input: { extend: 2 } },
        { key: "b", kind: "text", input: { fail: true } },
        { key: "c", kind: "text", dependsOn: ["b"] },
      ],
    });
    await engine.waitForRun(runId);
    const log = await events(runId);
    expect(log.map((event) => event.seq)).toEqual(log.map((_, index) => index + 1));
    expect(log[0]!.type).toBe("run-start");
    expect(log.at(-1)!.type).toBe("run-end");
    const ends = log.filter((event) => event.type === "task-end").map((event) => event.payload.key).sort();
    expect(ends).toEqual(["a", "a/child-1", "a/child-2", "b", "c"]);
    expect(log.filter((event) => event.type === "task-error").map((event) => event.payload.key)).toEqual(["b"]);
  });

  test("rejects a run whose tasks depend on each other in a cycle", async () => {
    await expect(
      engine.submitRun({
        kind: "pipeline",
        ...owner,
        tasks: [
          { key: "x", kind: "text", dependsOn: ["y"] },
          { key: "y", kind: "text", dependsOn: ["x"] },
        ],
      }),
    ).rejects.toThrow(/cycle/);
  });

  test("runs beyond the number allowed at once wait in line and are told their position", async () => {
    const release: Array<() => void> = [];
    engine.registerHandler("held", {
      async execute(_task, context) {
        await context.callProvider("text", () => new Promise<void>((resolve) => release.push(resolve)));
        return null;
      },
    });
    const first = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", kind: "text" }] });
    const second = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", kind: "text" }] });
    const third = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", kind: "text" }] });
    const fourth = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", kind: "text" }] });
    expect(engine.status()).toMatchObject({ activeRuns: 2, waitingRuns: 2 });
    while (release.length > 0 || engine.status().activeRuns > 0) {
      release.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const runId of [first, second, third, fourth]) expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    const positions = async (runId: string) =>
      (await events(runId)).filter((event) => event.type === "queue-position").map((event) => event.payload.position);
    expect(await positions(first)).toEqual([]);
    expect(await positions(third)).toEqual([1]);
    expect(await positions(fourth)).toEqual([2, 1]);
    const fourthLog = await events(fourth);
    expect(fourthLog.findIndex((event) => event.type === "run-start")).toBeGreaterThan(
      fourthLog.findIndex((event) => event.type === "queue-position" && event.payload.position === 1),
    );
  });

  test("maxWorkers 1 runs a run's tasks one at a time", async () => {
    let running = 0;
    let peak = 0;
    engine.registerHandler("serial-probe", {
      async execute(_task, context) {
        running++;
        peak = Math.max(peak, running);
        await context.callProvider("text", () => new Promise((resolve) => setTimeout(resolve, 2)));
        running--;
        return null;
      },
    });
    const runId = await engine.submitRun({
      kind: "serial-probe",
      ...owner,
      maxWorkers: 1,
      tasks: Array.from({ length: 6 }, (_, index) => ({ key: `t${index}`, kind: "text" as const })),
    });
    expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    expect(peak).toBe(1);
  });

  test("stores metrics on the run at its end", async () => {
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "m", kind: "text", input: { extend: 2 } }] });
    const run = await engine.waitForRun(runId);
    expect(run.metrics).toMatchObject({ attempts: 3, retries: 0, rateLimited: 0 });
    expect(run.metrics!.taskMs).toBeGreaterThan(0);
    expect(run.metrics!.averageImageMs).not.toBeNull();
  });
});

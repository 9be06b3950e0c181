// The engine's DAG semantics with in-process task types: order, outputs, extension, failure
// propagation, final statuses and the event log. Provider behaviour is tested over HTTP elsewhere.
import { afterAll, describe, expect, test } from "vitest";
import { ProviderError } from "@/server/providers/types";
import type { RunEvent } from "@/server/generation/events/run-events";
import { z } from "zod";
import { defineTaskType, type TaskContext } from "@/server/generation/types";
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
const stepInput = z.object({ fail: z.boolean().optional(), extend: z.number().int().optional(), index: z.number().optional() }).nullable();
const step = {
  input: stepInput,
  async execute(input: z.infer<typeof stepInput>, context: TaskContext) {
    const { task } = context;
    executionOrder.push(task.key);
    await context.callProvider("text", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (input?.fail) throw new ProviderError("bad prompt", { kind: "bad-request", status: 400, isRetryable: false });
    });
    if (input?.extend) {
      context.addTasks(
        Array.from({ length: input.extend }, (_, index) => ({
          key: `${task.key}/child-${index + 1}`,
          type: "pipeline.image",
          dependsOn: [task.key],
          input: { index: index + 1 },
        })),
      );
    }
    return { key: task.key, saw: context.dependencies };
  },
};
engine.registerTaskTypes([
  defineTaskType({ name: "pipeline.step", budget: "text", ...step }),
  defineTaskType({ name: "pipeline.image", budget: "image", ...step }),
]);

/** Registers a task type whose provider call waits until the test releases it; returns the releases. */
function registerHeldTaskType(name: string): Array<() => void> {
  const release: Array<() => void> = [];
  engine.registerTaskTypes([
    defineTaskType({
      name,
      budget: "text",
      input: z.null(),
      async execute(_input, context) {
        await context.callProvider("text", () => new Promise<void>((resolve) => release.push(resolve)));
        return null;
      },
    }),
  ]);
  return release;
}

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
        { key: "join", type: "pipeline.step", dependsOn: ["left", "right"] },
        { key: "left", type: "pipeline.step", dependsOn: ["root"] },
        { key: "right", type: "pipeline.step", dependsOn: ["root"] },
        { key: "root", type: "pipeline.step" },
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
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "analyse", type: "pipeline.step", input: { extend: 3 } }] });
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
        { key: "core", type: "pipeline.step" },
        { key: "broken", type: "pipeline.step", dependsOn: ["core"], input: { fail: true } },
        { key: "after-broken", type: "pipeline.step", dependsOn: ["broken"] },
        { key: "sibling", type: "pipeline.step", dependsOn: ["core"] },
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
        { key: "a", type: "pipeline.step", input: { extend: 2 } },
        { key: "b", type: "pipeline.step", input: { fail: true } },
        { key: "c", type: "pipeline.step", dependsOn: ["b"] },
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
          { key: "x", type: "pipeline.step", dependsOn: ["y"] },
          { key: "y", type: "pipeline.step", dependsOn: ["x"] },
        ],
      }),
    ).rejects.toThrow(/cycle/);
  });

  test("runs beyond the number allowed at once wait in line and are told their position", async () => {
    const release = registerHeldTaskType("held.only");
    const first = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", type: "held.only" }] });
    const second = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", type: "held.only" }] });
    const third = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", type: "held.only" }] });
    const fourth = await engine.submitRun({ kind: "held", ...owner, tasks: [{ key: "only", type: "held.only" }] });
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
    engine.registerTaskTypes([
      defineTaskType({
        name: "serial-probe.task",
        budget: "text",
        input: z.null(),
        async execute(_input, context) {
          running++;
          peak = Math.max(peak, running);
          await context.callProvider("text", () => new Promise((resolve) => setTimeout(resolve, 2)));
          running--;
          return null;
        },
      }),
    ]);
    const runId = await engine.submitRun({
      kind: "serial-probe",
      ...owner,
      maxWorkers: 1,
      tasks: Array.from({ length: 6 }, (_, index) => ({ key: `t${index}`, type: "serial-probe.task" })),
    });
    expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    expect(peak).toBe(1);
  });

  test("stores metrics on the run at its end", async () => {
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "m", type: "pipeline.step", input: { extend: 2 } }] });
    const run = await engine.waitForRun(runId);
    expect(run.metrics).toMatchObject({ attempts: 3, retries: 0, rateLimited: 0 });
    expect(run.metrics!.taskMs).toBeGreaterThan(0);
    expect(run.metrics!.averageImageMs).not.toBeNull();
  });
});

describe("task types", () => {
  test("a task whose input does not match its type's schema fails with the schema's complaint", async () => {
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "bad", type: "pipeline.step", input: { extend: "three" } }] });
    const run = await engine.waitForRun(runId);
    const task = run.tasks[0]!;
    expect(task.status).toBe("failed");
    expect(task.attempts).toBe(0);
    expect(task.lastError).toMatch(/The input of a "pipeline.step" task is not valid/);
    expect(task.lastError).toContain("extend");
  });

  test("a run naming a task type no domain registered is refused", async () => {
    await expect(engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "x", type: "nobody.step" }] })).rejects.toThrow(
      /type "nobody.step", which no domain registered/,
    );
  });

  test("a task's kind is the budget its type draws from", async () => {
    const runId = await engine.submitRun({ kind: "pipeline", ...owner, tasks: [{ key: "k", type: "pipeline.step", input: { extend: 1 } }] });
    const run = await engine.waitForRun(runId);
    expect(run.tasks.map((task) => [task.key, task.type, task.kind])).toEqual([
      ["k", "pipeline.step", "text"],
      ["k/child-1", "pipeline.image", "image"],
    ]);
  });
});

describe("exclusive subjects", () => {
  test("a second run of the same subject is refused while the first is active, and allowed after", async () => {
    const release = registerHeldTaskType("exclusive.held");
    const request = {
      kind: "exclusive",
      ...owner,
      subjectId: "project-1",
      exclusiveSubject: { conflictMessage: "This project is still generating" },
      tasks: [{ key: "only", type: "exclusive.held" }],
    };
    const first = await engine.submitRun(request);
    await expect(engine.submitRun(request)).rejects.toThrow("This project is still generating");
    // Another subject, or a run that does not ask for exclusivity, is not held back.
    const other = await engine.submitRun({ ...request, subjectId: "project-2" });
    const shared = await engine.submitRun({ ...request, exclusiveSubject: undefined });
    expect((await engine.runStatuses([first, other, shared, "missing"])).size).toBe(3);
    while (release.length > 0 || engine.status().activeRuns > 0) {
      release.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const runId of [first, other, shared]) await engine.waitForRun(runId);
    expect([...(await engine.runStatuses([first, other])).values()]).toEqual(["succeeded", "succeeded"]);
    const again = engine.submitRun(request);
    await expect(again).resolves.toEqual(expect.any(String));
    while ((await engine.runStatuses([await again])).get(await again) !== "succeeded") {
      release.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
});

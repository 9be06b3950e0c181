// The runs router as a browser uses it: team-scoped reads and actions, and the event stream that
// resumes after a disconnect. Runs go through a real engine against the fake provider server.
import fs from "node:fs";
import path from "node:path";
import { isTrackedEnvelope } from "@trpc/server";
import { createRunsRouter } from "@/server/api/routers/runs";
import { createCallerFactory, createInnerContext, createTRPCRouter } from "@/server/api/trpc";
import type { Engine } from "@/server/generation/engine";
import type { RunEvent } from "@/server/generation/events/run-events";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import type { TestUser } from "../helpers/accounts";
import type { TestDatabase } from "../helpers/database";
import { describe, expect, test } from "../helpers/fixtures";
import { createTestEngine, imageTaskType, imageTasks } from "./engine-fixtures";

let database: TestDatabase;
let fake: FakeProvider;
let engine: Engine;
let alice: TestUser;
let bob: TestUser;

test.beforeAll(async ({ database: fileDatabase, alice: owner, bob: outsider }) => {
  [database, alice, bob] = [fileDatabase, owner, outsider];
  fake = await startFakeProvider({ latencyMs: 15, seed: 3 });
  const directory = path.join(database.directory, "images");
  fs.mkdirSync(directory, { recursive: true });
  engine = createTestEngine(database);
  engine.registerTaskTypes([imageTaskType({ baseUrl: fake.url, directory })]);
});
test.afterAll(async () => {
  await engine.shutdown();
  await fake.close();
});

const createCaller = createCallerFactory(createTRPCRouter({ runs: createRunsRouter(() => engine) }));

function callerFor(user: TestUser, teamId = user.teamId) {
  return createCaller(createInnerContext({ db: database.db, user: { id: user.id, name: user.name, email: user.email }, activeTeamId: teamId }));
}

function submitFor(user: TestUser, tasks = imageTasks(4)) {
  return engine.submitRun({ kind: "images", teamId: user.teamId, ownerId: user.id, maxWorkers: 2, tasks });
}

/** Reads the stream, unwrapping tracked envelopes into their seq and event. */
async function read(
  stream: AsyncIterable<unknown>,
  options: { stopAfter?: number } = {},
): Promise<Array<{ id: string; event: RunEvent }>> {
  const seen: Array<{ id: string; event: RunEvent }> = [];
  for await (const item of stream) {
    if (!isTrackedEnvelope(item)) throw new Error("expected tracked events");
    const [id, event] = item as unknown as [string, RunEvent];
    seen.push({ id, event });
    if (options.stopAfter !== undefined && seen.length >= options.stopAfter) break;
  }
  return seen;
}

describe("runs.events", () => {
  test("follows a run live from its start to its end, each event tracked by its seq", async () => {
    const runId = await submitFor(alice);
    const seen = await read(await callerFor(alice).runs.events({ runId }));
    const stored = await engine.eventsAfter(runId, 0);
    expect(seen.map(({ event }) => event.seq)).toEqual(stored.map((event) => event.seq));
    expect(seen.map(({ id }) => id)).toEqual(stored.map((event) => String(event.seq)));
    expect(seen.at(-1)!.event.type).toBe("run-end");
  });

  test("after a disconnect, resuming with lastEventId gives every later event once: no gap, no duplicate", async () => {
    const runId = await submitFor(alice, imageTasks(12));
    const beforeDisconnect = await read(await callerFor(alice).runs.events({ runId }), { stopAfter: 5 });
    const lastEventId = beforeDisconnect.at(-1)!.id;
    // Events keep coming while the client is away.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const afterReconnect = await read(await callerFor(alice).runs.events({ runId, lastEventId }));

    const seqs = [...beforeDisconnect, ...afterReconnect].map(({ event }) => event.seq);
    const stored = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    expect(seqs).toEqual(stored);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(afterReconnect.at(-1)!.event.type).toBe("run-end");
  });

  test("a replay slow enough to overlap live events still yields each seq once and in order", async () => {
    // The stored events arrive late, so events published meanwhile are both live and stored.
    const slowReads: Engine = {
      ...engine,
      async eventsAfter(runId, afterSeq) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        return engine.eventsAfter(runId, afterSeq);
      },
    };
    const slowCaller = createCallerFactory(createTRPCRouter({ runs: createRunsRouter(() => slowReads) }));
    const runId = await submitFor(alice, imageTasks(12));
    const context = createInnerContext({ db: database.db, user: { id: alice.id, name: alice.name, email: alice.email }, activeTeamId: alice.teamId });
    const seen = await read(await slowCaller(context).runs.events({ runId }));
    const stored = (await engine.eventsAfter(runId, 0)).map((event) => event.seq);
    expect(seen.map(({ event }) => event.seq)).toEqual(stored);
  });

  test("replays a finished run after lastEventId and ends", async () => {
    const runId = await submitFor(alice);
    await engine.waitForRun(runId);
    const all = await engine.eventsAfter(runId, 0);
    const replay = await read(await callerFor(alice).runs.events({ runId, lastEventId: 3 }));
    expect(replay.map(({ event }) => event.seq)).toEqual(all.filter((event) => event.seq > 3).map((event) => event.seq));
  });
});

describe("runs procedures for members", () => {
  test("get returns the run with its tasks and, at its end, its metrics", async () => {
    const runId = await submitFor(alice);
    await engine.waitForRun(runId);
    const run = await callerFor(alice).runs.get({ runId });
    expect(run).toMatchObject({ id: runId, status: "succeeded", maxWorkers: 2, counts: { total: 4, succeeded: 4 } });
    expect(run.tasks.map((task) => task.key)).toEqual(["image-1", "image-2", "image-3", "image-4"]);
    expect(run.metrics).toMatchObject({ attempts: 4, retries: 0, rateLimited: 0 });
  });

  test("cancel and retryFailed act on the team's run", async () => {
    fake.configure({ latencyMs: 2_000 });
    try {
      const runId = await submitFor(alice);
      const cancelled = await callerFor(alice).runs.cancel({ runId });
      expect(cancelled.status === "cancelled" || cancelled.status === "running").toBe(true);
      expect((await engine.waitForRun(runId)).status).toBe("cancelled");
      fake.configure({ latencyMs: 15 });
      expect(await callerFor(alice).runs.retryFailed({ runId })).toEqual({ requeued: 4 });
      expect((await engine.waitForRun(runId)).status).toBe("succeeded");
    } finally {
      fake.configure({ latencyMs: 15 });
    }
  });
});

describe("runs procedures for non-members", () => {
  let runId: string;
  test.beforeAll(async () => {
    runId = await submitFor(alice);
    await engine.waitForRun(runId);
  });

  const asBob = () => callerFor(bob);
  const asBobInAlicesTeam = () => callerFor(bob, alice.teamId);

  test.each([
    ["get", () => asBob().runs.get({ runId })],
    ["cancel", () => asBob().runs.cancel({ runId })],
    ["retryFailed", () => asBob().runs.retryFailed({ runId })],
    ["events", async () => read(await asBob().runs.events({ runId }))],
    ["get, with another team selected", () => asBobInAlicesTeam().runs.get({ runId })],
    ["events, with another team selected", async () => read(await asBobInAlicesTeam().runs.events({ runId }))],
  ])("%s answers NOT_FOUND", async (_name, call) => {
    await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a run id that does not exist is NOT_FOUND too", async () => {
    await expect(callerFor(alice).runs.get({ runId: "no-such-run" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("the non-member's cancel and retryFailed leave a run unchanged that the member's change", async () => {
    // A run still in flight (cancel would stop it), then cancelled (retryFailed would re-open it):
    // each non-member attempt is followed by the member's same action, which must change the run,
    // so the run staying as it was shows the request was refused, not that it had no effect.
    const snapshot = async (id: string) => {
      const run = (await engine.getRun(id))!;
      return { status: run.status, tasks: run.tasks.map((task) => task.status) };
    };
    fake.configure({ latencyMs: 2_000 });
    try {
      const liveRunId = await submitFor(alice);
      for (const caller of [asBob(), asBobInAlicesTeam()]) {
        await expect(caller.runs.cancel({ runId: liveRunId })).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
      const afterBob = await snapshot(liveRunId);
      expect(["queued", "running"]).toContain(afterBob.status);
      expect(afterBob.tasks).not.toContain("cancelled");

      await callerFor(alice).runs.cancel({ runId: liveRunId });
      expect((await snapshot(liveRunId)).tasks).toContain("cancelled");
      expect((await engine.waitForRun(liveRunId)).status).toBe("cancelled");

      const cancelled = await snapshot(liveRunId);
      for (const caller of [asBob(), asBobInAlicesTeam()]) {
        await expect(caller.runs.retryFailed({ runId: liveRunId })).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
      expect(await snapshot(liveRunId)).toEqual(cancelled);

      fake.configure({ latencyMs: 15 });
      expect((await callerFor(alice).runs.retryFailed({ runId: liveRunId })).requeued).toBeGreaterThan(0);
      expect(await snapshot(liveRunId)).not.toEqual(cancelled);
      expect((await engine.waitForRun(liveRunId)).status).toBe("succeeded");
    } finally {
      fake.configure({ latencyMs: 15 });
    }
  });
});

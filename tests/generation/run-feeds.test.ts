// The shared run feed: followers of one run share one live log after their own replay. Events come
// from an in-memory run (stored, then published, as the engine does after a commit), so a test can
// interleave joins, replays and new events exactly.
import { describe, expect, test } from "vitest";
import { createInProcessEventBus } from "@/server/generation/events/event-bus";
import { createRunFeeds, type FollowRequest, type RunFeeds } from "@/server/generation/events/run-feeds";
import type { RunEvent } from "@/server/generation/events/run-events";

const RUN = "run-1";
const OPENING = Buffer.from("open\n");
const CLOSING = Buffer.from("end\n");

/** A run whose events are stored and then published; reading them back can be made slow. */
function memoryRun(options: { readDelayMs?: number } = {}) {
  const bus = createInProcessEventBus();
  const stored: RunEvent[] = [];
  let reads = 0;
  return {
    stored,
    get reads() {
      return reads;
    },
    engine: {
      subscribe: bus.subscribe,
      async eventsAfter(runId: string, afterSeq: number) {
        reads++;
        const snapshot = stored.filter((event) => event.runId === runId && event.seq > afterSeq);
        if (options.readDelayMs) await new Promise((resolve) => setTimeout(resolve, options.readDelayMs));
        return snapshot;
      },
    },
    emit(type: "task-end" | "run-end" = "task-end", padding = 0) {
      const seq = stored.length + 1;
      const payload =
        type === "run-end"
          ? { status: "succeeded", counts: { total: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0 }, metrics: null }
          : { key: `task-${seq}`, status: "succeeded", attempts: 1, durationMs: 1, output: "x".repeat(padding) };
      const event = { runId: RUN, seq, type, payload, createdAt: new Date() } as unknown as RunEvent;
      stored.push(event);
      bus.publish(event);
    },
  };
}

/** Frames are "<seq>:<payload>\n"; the count of encodings is what the tests check. */
function countingEncoder() {
  const counter = { calls: 0 };
  const encode = (event: RunEvent) => {
    counter.calls++;
    const output = event.type === "task-end" ? String(event.payload.output ?? "") : "";
    return Buffer.from(`${event.seq}:${output}\n`);
  };
  return { counter, encode };
}

interface Followed {
  seqs: number[];
  opened: boolean;
  /** The stream ended with the end-of-run frame (not cut off). */
  finished: boolean;
}

/** Reads a follower's stream to its end, optionally stopping to read for a while after each chunk. */
async function readAll(stream: ReadableStream<Uint8Array>, pauseMs = 0): Promise<Followed> {
  const followed: Followed = { seqs: [], opened: false, finished: false };
  let text = "";
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += Buffer.from(chunk.value).toString("utf8");
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  for (const line of text.split("\n").filter(Boolean)) {
    if (line === "open") followed.opened = true;
    else if (line === "end") followed.finished = true;
    else followed.seqs.push(Number(line.split(":")[0]));
  }
  return followed;
}

function follow(feeds: RunFeeds, afterSeq: number, extra: Partial<FollowRequest> = {}) {
  return feeds.follow({ runId: RUN, afterSeq, opening: OPENING, closing: CLOSING, ...extra });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("run feeds", () => {
  test("many followers of one run, joining before, during and after its events, each get every later event once and in order", async () => {
    const run = memoryRun({ readDelayMs: 3 });
    const { encode } = countingEncoder();
    // A short log (about 20 frames), so replays race with the log moving on.
    const feeds = createRunFeeds({ engine: run.engine, encode, maxLagBytes: 120 });
    const readers: Array<{ afterSeq: number; result: Promise<Followed> }> = [];
    const join = (afterSeq: number) => readers.push({ afterSeq, result: readAll(follow(feeds, afterSeq)) });

    for (let event = 1; event <= 30; event++) run.emit();
    for (let index = 0; index < 20; index++) join(index % 4 === 0 ? 12 : 0);
    for (let event = 31; event <= 200; event++) {
      run.emit();
      // Followers join while events keep coming, some of them mid-replay, some resuming from an id.
      if (event % 10 === 0) join(0);
      if (event % 15 === 0) join(event - 7);
      if (event % 25 === 0) await tick(1);
    }
    run.emit("run-end");
    const total = run.stored.length;

    for (const reader of readers) {
      const followed = await reader.result;
      expect(followed.opened).toBe(true);
      expect(followed.seqs).toEqual(range(reader.afterSeq + 1, total));
      expect(followed.finished).toBe(true);
    }
    expect(readers.length).toBe(48);
    expect(feeds.stats()).toMatchObject({ feeds: 0, followers: 0, cutOff: 0 });
  });

  test("serializes each event once, however many followers share the run", async () => {
    const run = memoryRun();
    const { counter, encode } = countingEncoder();
    const feeds = createRunFeeds({ engine: run.engine, encode });
    const results = Array.from({ length: 100 }, () => readAll(follow(feeds, 0)));
    await tick(5); // every follower has read the (empty) store and is on the shared feed
    for (let event = 0; event < 49; event++) run.emit();
    run.emit("run-end");

    for (const followed of await Promise.all(results)) expect(followed.seqs).toEqual(range(1, 50));
    expect(counter.calls).toBe(50);
    expect(feeds.stats().encoded).toBe(50);
  });

  test("the events of one commit reach each follower in one write, the same bytes for all of them", async () => {
    const run = memoryRun();
    const { encode } = countingEncoder();
    const feeds = createRunFeeds({ engine: run.engine, encode });
    const readers = Array.from({ length: 3 }, () => follow(feeds, 0).getReader());
    await tick(5);
    // As the engine publishes a commit: its events one after another, in one go.
    for (let event = 0; event < 10; event++) run.emit();
    const writes = await Promise.all(
      readers.map(async (reader) => {
        let chunk = await reader.read();
        if (Buffer.from(chunk.value!).toString() === OPENING.toString()) chunk = await reader.read();
        return chunk.value!;
      }),
    );
    expect(Buffer.from(writes[0]!).toString()).toBe(range(1, 10).map((seq) => `${seq}:\n`).join(""));
    for (const write of writes) expect(write).toBe(writes[0]);
    await Promise.all(readers.map((reader) => reader.cancel()));
  });

  test("a follower that joins while the feed's log holds the run is served from it, without reading the store", async () => {
    const run = memoryRun();
    const { counter, encode } = countingEncoder();
    const feeds = createRunFeeds({ engine: run.engine, encode });
    const early = readAll(follow(feeds, 0));
    await tick(2);
    for (let event = 0; event < 10; event++) run.emit();
    // The feed's log already holds 1–10: a late follower is served from it, not from the database.
    const readsBefore = run.reads;
    const late = readAll(follow(feeds, 0));
    await tick(2);
    expect(run.reads).toBe(readsBefore);
    for (let event = 0; event < 9; event++) run.emit();
    run.emit("run-end");

    expect((await early).seqs).toEqual(range(1, 20));
    expect((await late).seqs).toEqual(range(1, 20));
    expect(counter.calls).toBe(20);
  });

  test("followers joining a run that already has events share one read and one encoding of them", async () => {
    const run = memoryRun({ readDelayMs: 5 });
    for (let event = 0; event < 39; event++) run.emit();
    const { counter, encode } = countingEncoder();
    const feeds = createRunFeeds({ engine: run.engine, encode });
    const results = Array.from({ length: 30 }, (_, index) => readAll(follow(feeds, index % 3 === 1 ? 10 : 0)));
    await tick(1);
    run.emit(); // a live event while the stored ones are being read
    await tick(10);
    run.emit("run-end");

    for (const [index, followed] of (await Promise.all(results)).entries()) expect(followed.seqs).toEqual(range(index % 3 === 1 ? 11 : 1, 41));
    expect(run.reads).toBe(1);
    expect(counter.calls).toBe(41);
  });

  test("a slow follower is cut off past the bound, without holding up the others, and resumes from its last id without gap", async () => {
    const run = memoryRun();
    const { encode } = countingEncoder();
    // Frames of about 4 KiB; the log keeps 32 KiB of them.
    const feeds = createRunFeeds({ engine: run.engine, encode, maxLagBytes: 32 * 1024 });
    const fast = Array.from({ length: 5 }, () => readAll(follow(feeds, 0)));
    const slowStream = follow(feeds, 0);
    await tick(2);

    const startedAt = performance.now();
    for (let event = 0; event < 80; event++) {
      run.emit("task-end", 4096);
      if (event % 8 === 0) await tick(0);
    }
    run.emit("run-end");
    const fastResults = await Promise.all(fast);
    const fastDoneMs = performance.now() - startedAt;
    for (const followed of fastResults) {
      expect(followed.seqs).toEqual(range(1, 81));
      expect(followed.finished).toBe(true);
    }
    expect(fastDoneMs).toBeLessThan(1000);
    expect(feeds.stats().cutOff).toBe(1);

    // The slow follower now reads what it was sent: a contiguous start, and no end-of-run frame.
    const cut = await readAll(slowStream);
    expect(cut.finished).toBe(false);
    expect(cut.seqs.length).toBeGreaterThan(0);
    expect(cut.seqs.length).toBeLessThan(81);
    expect(cut.seqs).toEqual(range(1, cut.seqs.length));
    // It reconnects with its last id, as EventSource does, and gets the rest once.
    const resumed = await readAll(follow(feeds, cut.seqs.at(-1)!));
    expect([...cut.seqs, ...resumed.seqs]).toEqual(range(1, 81));
    expect(resumed.finished).toBe(true);
  });

  test("a follower that disconnects leaves the feed, and the last one to leave unsubscribes it", async () => {
    const run = memoryRun();
    const { counter, encode } = countingEncoder();
    const feeds = createRunFeeds({ engine: run.engine, encode });
    const abort = new AbortController();
    const stream = follow(feeds, 0, { signal: abort.signal });
    const other = follow(feeds, 0);
    await tick(2);
    expect(feeds.stats()).toMatchObject({ feeds: 1, followers: 2 });
    abort.abort();
    expect(feeds.stats()).toMatchObject({ feeds: 1, followers: 1 });
    await other.cancel();
    expect(feeds.stats()).toMatchObject({ feeds: 0, followers: 0 });
    run.emit();
    expect(counter.calls).toBe(0);
    await stream.cancel();
  });
});

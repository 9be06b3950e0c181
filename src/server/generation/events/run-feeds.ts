// One live feed per followed run, shared by all of its followers. Each event is encoded once, into
// the bytes every follower is sent, and kept in the feed's log; a follower is a cursor into that
// log, so a thousand followers cost one encoding and a thousand writes of the same bytes.
//
// A follower joins the feed first, then the stored events after its last id are read into the
// log (once, for every follower that needs them), then it takes everything from the log: joining
// before reading is what closes the gap, and the seq cursor is what prevents duplicates (as in
// follow-run.ts). Only what is older than the log can keep is replayed for one follower alone.
//
// Writes: the events of one commit arrive one after another, and each follower is sent them
// together, as one chunk (the same bytes for every follower at the same place in the log), so a
// follower costs one write per commit rather than one per event.
//
// Back-pressure: a follower's stream holds at most STREAM_HIGH_WATER_BYTES its reader has not taken;
// beyond that, frames wait in the shared log and cost the follower nothing. The log keeps the last
// `maxLagBytes` of frames. A follower whose next frame has left the log is too slow: its stream is
// closed without the end-of-run frame, and the client resumes from the last id it received.
import type { Engine } from "../engine";
import { FrameLog, type Frame } from "./frame-log";
import type { RunEvent } from "./run-events";

export const DEFAULT_MAX_LAG_BYTES = 512 * 1024;
/** How much a follower's stream holds before the frames wait in the shared log instead. */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;
/** Replayed events, and frames from the log, are sent in chunks of about this size. */
const CHUNK_BYTES = 64 * 1024;

export interface RunFeedsOptions {
  engine: Pick<Engine, "subscribe" | "eventsAfter">;
  /** The bytes followers are sent for one event. Called once per event and feed (and for replays). */
  encode(event: RunEvent): Uint8Array;
  /** How far behind the newest event (in bytes of frames) a follower may fall before it is cut off. */
  maxLagBytes?: number;
  /** Sent to every follower that is keeping up, every `intervalMs`, so idle streams stay open. */
  heartbeat?: { frame: Uint8Array; intervalMs: number };
}

export interface FollowRequest {
  runId: string;
  /** The last seq the client has; it gets every later event once, in order. */
  afterSeq: number;
  /** Sent first. */
  opening?: Uint8Array;
  /** Sent after the run's last event, before the stream ends. */
  closing?: Uint8Array;
  signal?: AbortSignal;
}

export interface RunFeedsStats {
  feeds: number;
  followers: number;
  /** Events encoded so far: once per event for the live feeds, plus replays. */
  encoded: number;
  /** Followers cut off for falling too far behind. */
  cutOff: number;
}

export interface RunFeeds {
  /** The run's encoded events after `afterSeq`, live, until the run ends or the follower is cut off. */
  follow(request: FollowRequest): ReadableStream<Uint8Array>;
  stats(): RunFeedsStats;
}

/** Frames of the log from one seq on, joined into one write. */
interface Chunk {
  from: number;
  bytes: Uint8Array;
  /** The last frame in the chunk. */
  last: Frame;
}

/** A followed run: its log of encoded events and the followers reading it. */
class Feed {
  readonly followers = new Set<Follower>();
  readonly log: FrameLog;
  unsubscribe: () => void = () => {};
  /** A flush of the followers is queued (after the events of the current commit). */
  flushQueued = false;
  private reading: Promise<boolean> | null = null;
  /** The chunk that reaches the log's end, shared by the followers it is for; dropped when the log changes. */
  private shared: Chunk | null = null;

  constructor(
    readonly runId: string,
    maxBytes: number,
  ) {
    this.log = new FrameLog(maxBytes);
  }

  /**
   * Reads the stored events from `from` on into the log, in front of what it holds, once for all
   * the followers that need them (one read at a time per feed). Resolves with whether anything
   * was stored from `from` on.
   */
  backfill(from: number, hub: Hub): Promise<boolean> {
    this.reading ??= (async () => {
      try {
        const stored = await hub.engine.eventsAfter(this.runId, from - 1);
        this.log.prepend(
          stored.filter((event) => event.seq < this.log.firstSeq),
          (event) => frameOf(event, hub.encode(event)),
        );
        this.changed();
        return stored.length > 0;
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  /** The log's frames from `from` on (which it holds), up to about CHUNK_BYTES, as one write. */
  chunkFrom(from: number): Chunk {
    if (this.shared?.from === from) return this.shared;
    const parts: Uint8Array[] = [];
    let size = 0;
    let last!: Frame;
    for (let seq = from; seq <= this.log.lastSeq && size < CHUNK_BYTES; seq++) {
      last = this.log.frameAt(seq)!;
      parts.push(last.bytes);
      size += last.bytes.byteLength;
    }
    const chunk = { from, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), last };
    // Followers that keep up all ask for the same chunk: from where they are to the log's end.
    if (last.seq === this.log.lastSeq) this.shared = chunk;
    return chunk;
  }

  /** The log changed: chunks built from it are stale. */
  changed(): void {
    this.shared = null;
  }
}

const frameOf = (event: RunEvent, bytes: Uint8Array): Frame => ({ seq: event.seq, bytes, runEnd: event.type === "run-end" });

interface Hub {
  engine: RunFeedsOptions["engine"];
  encode(event: RunEvent): Uint8Array;
  leave(follower: Follower): void;
  cutOff(): void;
}

/** One client's stream: its replay, then its cursor into the feed's log. */
class Follower {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  /** The next seq this follower is to be sent. */
  private next: number;
  private live = false;
  private closed = false;
  private pumping = false;
  private wakeOnRoom: (() => void) | null = null;
  private readonly onAbort = () => this.close();

  constructor(
    readonly feed: Feed,
    private readonly request: FollowRequest,
    private readonly hub: Hub,
  ) {
    this.next = request.afterSeq + 1;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
          if (request.opening) controller.enqueue(request.opening);
        },
        pull: () => {
          this.wake();
          this.pump();
        },
        cancel: () => this.close(),
      },
      { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
    );
    request.signal?.addEventListener("abort", this.onAbort);
  }

  /** Sends what the log has for this follower, as far as its stream has room. */
  pump(): void {
    // enqueue() may call pull(), which pumps: the loop below already does that work.
    if (!this.live || this.closed || this.pumping) return;
    this.pumping = true;
    try {
      const feed = this.feed;
      while (this.next <= feed.log.lastSeq) {
        if (this.next < feed.log.firstSeq) return this.cutOff();
        if ((this.controller.desiredSize ?? 0) <= 0) return;
        const chunk = feed.chunkFrom(this.next);
        this.next = chunk.last.seq + 1;
        this.controller.enqueue(chunk.bytes);
        // A run-end followed by later events is a run that was retried: keep going.
        if (chunk.last.runEnd && this.next > feed.log.lastSeq) return this.finish();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Sends a frame only if the stream has room: heartbeats are worth nothing to a follower behind. */
  offer(frame: Uint8Array): void {
    if (this.live && !this.closed && (this.controller.desiredSize ?? 0) > 0) this.controller.enqueue(frame);
  }

  /** Stored events after the client's last id, then the shared log. */
  async catchUp(): Promise<void> {
    const feed = this.feed;
    // Stored events are read into the shared log, once for every follower that needs them.
    for (let reads = 0; reads < 2 && !feed.log.covers(this.next); reads++) {
      const found = await feed.backfill(this.next, this.hub);
      if (this.closed) return;
      // Nothing stored from `next` on: what comes next is live, and will be `next`.
      if (!found && feed.log.count === 0) return this.goLive();
    }
    // What the log cannot keep (a long run read from its start) is this follower's own replay.
    for (let emptyReads = 0; ; ) {
      if (this.closed) return;
      // The log has everything from `next` on (or nothing yet, and what comes next will be `next`).
      if (feed.log.covers(this.next)) break;
      const stored = await this.hub.engine.eventsAfter(this.feed.runId, this.next - 1);
      if (this.closed) return;
      const before = feed.log.count > 0 ? feed.log.firstSeq : Number.POSITIVE_INFINITY;
      const own = stored.filter((event) => event.seq >= this.next && event.seq < before);
      if (own.length === 0) {
        if (feed.log.count === 0) break;
        // The log moved on during the read: what lies before it is stored now, so read again.
        if (++emptyReads < 3) continue;
        return this.end();
      }
      await this.sendReplay(own);
      if (this.closed) return;
      this.next = own[own.length - 1]!.seq + 1;
      const isLatest = own[own.length - 1] === stored[stored.length - 1] && feed.log.count === 0;
      if (own[own.length - 1]!.type === "run-end" && isLatest) return this.finish();
    }
    this.goLive();
  }

  private goLive(): void {
    this.live = true;
    this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.request.signal?.removeEventListener("abort", this.onAbort);
    this.wake();
    this.hub.leave(this);
  }

  /** Replayed events are this follower's own: encoded for it, in chunks, as its reader takes them. */
  private async sendReplay(events: RunEvent[]): Promise<void> {
    let parts: Uint8Array[] = [];
    let size = 0;
    for (const [index, event] of events.entries()) {
      const bytes = this.hub.encode(event);
      parts.push(bytes);
      size += bytes.byteLength;
      if (size < CHUNK_BYTES && index < events.length - 1) continue;
      while (!this.closed && (this.controller.desiredSize ?? 0) <= 0) {
        await new Promise<void>((resolve) => {
          this.wakeOnRoom = resolve;
        });
      }
      if (this.closed) return;
      this.controller.enqueue(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
      parts = [];
      size = 0;
    }
  }

  private wake(): void {
    const wake = this.wakeOnRoom;
    this.wakeOnRoom = null;
    wake?.();
  }

  private finish(): void {
    if (this.closed) return;
    if (this.request.closing) this.controller.enqueue(this.request.closing);
    this.controller.close();
    this.close();
  }

  private cutOff(): void {
    if (this.closed) return;
    this.hub.cutOff();
    this.end();
  }

  /** Ends the stream without the end-of-run frame: the client reconnects with the last id it received. */
  end(): void {
    if (this.closed) return;
    this.controller.close();
    this.close();
  }
}

export function createRunFeeds(options: RunFeedsOptions): RunFeeds {
  const maxLagBytes = options.maxLagBytes ?? DEFAULT_MAX_LAG_BYTES;
  const feeds = new Map<string, Feed>();
  let followers = 0;
  let encoded = 0;
  let cutOff = 0;
  let heartbeat: ReturnType<typeof setInterval> | null = null;

  const hub: Hub = {
    engine: options.engine,
    encode(event) {
      encoded++;
      return options.encode(event);
    },
    leave(follower) {
      const feed = follower.feed;
      if (!feed.followers.delete(follower)) return;
      followers--;
      if (feed.followers.size === 0 && feeds.get(feed.runId) === feed) {
        feeds.delete(feed.runId);
        feed.unsubscribe();
        feed.log.clear();
        feed.changed();
      }
      if (followers === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = null;
      }
    },
    cutOff() {
      cutOff++;
    },
  };

  const flush = (feed: Feed) => {
    for (const follower of feed.followers) follower.pump();
  };

  function publish(feed: Feed, event: RunEvent): void {
    if (event.seq <= feed.log.lastSeq) return;
    const frame = frameOf(event, hub.encode(event));
    // Before the log lets go of frames not sent yet, followers that keep up get them.
    if (feed.flushQueued && !feed.log.hasRoomFor(frame)) flush(feed);
    feed.log.append(frame);
    feed.changed();
    // The rest of the commit's events are published right after this one: send them all at once.
    if (feed.flushQueued) return;
    feed.flushQueued = true;
    queueMicrotask(() => {
      feed.flushQueued = false;
      flush(feed);
    });
  }

  function startHeartbeat(): void {
    if (heartbeat || !options.heartbeat) return;
    const { frame, intervalMs } = options.heartbeat;
    heartbeat = setInterval(() => {
      for (const feed of feeds.values()) for (const follower of feed.followers) follower.offer(frame);
    }, intervalMs);
    heartbeat.unref?.();
  }

  return {
    follow(request) {
      let feed = feeds.get(request.runId);
      if (!feed) {
        const created = new Feed(request.runId, maxLagBytes);
        feeds.set(request.runId, created);
        created.unsubscribe = options.engine.subscribe(request.runId, (event) => publish(created, event));
        feed = created;
      }
      const follower = new Follower(feed, request, hub);
      feed.followers.add(follower);
      followers++;
      startHeartbeat();
      if (request.signal?.aborted) follower.close();
      follower.catchUp().catch((error: unknown) => {
        // The client reconnects and tries again from its last id.
        console.error("run events: replay failed", error);
        follower.end();
      });
      return follower.stream;
    },
    stats() {
      return { feeds: feeds.size, followers, encoded, cutOff };
    },
  };
}

// One live feed per followed run, shared by all of its followers. Each event is encoded once, into
// the bytes every follower is sent, and kept in the feed's log; a follower is a cursor into that
// log, so a thousand followers cost one encoding and a thousand writes of the same bytes.
//
// A follower joins the feed first, then reads the stored events after its last id (encoded for it
// alone, as one chunk), then takes the rest from the log: joining before reading is what closes
// the gap, and the seq cursor is what prevents duplicates (as in follow-run.ts).
//
// Back-pressure: a follower's stream holds at most STREAM_HIGH_WATER_BYTES its reader has not taken;
// beyond that, frames wait in the shared log and cost the follower nothing. The log keeps the last
// `maxLagBytes` of frames. A follower whose next frame has left the log is too slow: its stream is
// closed without the end-of-run frame, and the client resumes from the last id it received.
import type { Engine } from "../engine";
import type { RunEvent } from "./run-events";

export const DEFAULT_MAX_LAG_BYTES = 512 * 1024;
/** How much a follower's stream holds before the frames wait in the shared log instead. */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;
/** Replayed events are sent in chunks of about this size. */
const REPLAY_CHUNK_BYTES = 64 * 1024;

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

interface Frame {
  seq: number;
  bytes: Uint8Array;
  runEnd: boolean;
}

/** A run's live events, encoded, the last `maxLagBytes` of them kept in order. */
class Feed {
  readonly followers = new Set<Follower>();
  unsubscribe: () => void = () => {};
  private frames: Array<Frame | undefined> = [];
  private start = 0;
  private bytes = 0;

  constructor(readonly runId: string) {}

  get count(): number {
    return this.frames.length - this.start;
  }
  /** The oldest seq in the log (Infinity when it is empty). */
  get firstSeq(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.frames[this.start]!.seq;
  }
  /** The newest seq in the log (0 when it is empty). */
  get lastSeq(): number {
    return this.count === 0 ? 0 : this.frames[this.frames.length - 1]!.seq;
  }

  frameAt(seq: number): Frame | undefined {
    return this.frames[this.start + seq - this.firstSeq];
  }

  append(frame: Frame, maxBytes: number): void {
    // The log must be contiguous; a follower behind a hole reads the database instead.
    if (this.count > 0 && frame.seq !== this.lastSeq + 1) this.clear();
    this.frames.push(frame);
    this.bytes += frame.bytes.byteLength;
    while (this.bytes > maxBytes && this.count > 1) {
      this.bytes -= this.frames[this.start]!.bytes.byteLength;
      this.frames[this.start++] = undefined;
    }
    if (this.start > 256 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }

  clear(): void {
    this.frames = [];
    this.start = 0;
    this.bytes = 0;
  }
}

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
      while (this.next <= feed.lastSeq) {
        if (this.next < feed.firstSeq) return this.cutOff();
        if ((this.controller.desiredSize ?? 0) <= 0) return;
        const frame = feed.frameAt(this.next++)!;
        this.controller.enqueue(frame.bytes);
        // A run-end followed by later events is a run that was retried: keep going.
        if (frame.runEnd && this.next > feed.lastSeq) return this.finish();
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
    for (let emptyReads = 0; ; ) {
      if (this.closed) return;
      // The log has everything from `next` on (or nothing yet, and what comes next will be `next`).
      if (feed.count > 0 && this.next >= feed.firstSeq) break;
      const stored = await this.hub.engine.eventsAfter(this.feed.runId, this.next - 1);
      if (this.closed) return;
      const before = feed.count > 0 ? feed.firstSeq : Number.POSITIVE_INFINITY;
      const own = stored.filter((event) => event.seq >= this.next && event.seq < before);
      if (own.length === 0) {
        if (feed.count === 0) break;
        // The log moved on during the read: what lies before it is stored now, so read again.
        if (++emptyReads < 3) continue;
        return this.end();
      }
      await this.sendReplay(own);
      if (this.closed) return;
      this.next = own[own.length - 1]!.seq + 1;
      const isLatest = own[own.length - 1] === stored[stored.length - 1] && feed.count === 0;
      if (own[own.length - 1]!.type === "run-end" && isLatest) return this.finish();
    }
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
      if (size < REPLAY_CHUNK_BYTES && index < events.length - 1) continue;
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
        feed.clear();
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

  function publish(feed: Feed, event: RunEvent): void {
    if (event.seq <= feed.lastSeq) return;
    feed.append({ seq: event.seq, bytes: hub.encode(event), runEnd: event.type === "run-end" }, maxLagBytes);
    for (const follower of feed.followers) follower.pump();
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
        const created = new Feed(request.runId);
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

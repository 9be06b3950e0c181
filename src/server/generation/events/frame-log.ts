// The encoded events of one run, in seq order without holes, holding at most `maxBytes` of them:
// the newest are kept, the oldest dropped. Live events are appended; stored ones read back for
// followers who join late go in front.

export interface Frame {
  seq: number;
  bytes: Uint8Array;
  runEnd: boolean;
}

export class FrameLog {
  private frames: Array<Frame | undefined> = [];
  private start = 0;
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

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

  /** Whether the log holds `seq` (and so everything after it that has been published). */
  covers(seq: number): boolean {
    return this.count > 0 && seq >= this.firstSeq;
  }

  /** Whether appending `frame` keeps every frame the log holds now. */
  hasRoomFor(frame: Frame): boolean {
    return this.bytes + frame.bytes.byteLength <= this.maxBytes;
  }

  frameAt(seq: number): Frame | undefined {
    return this.frames[this.start + seq - this.firstSeq];
  }

  append(frame: Frame): void {
    // The log must be contiguous; a follower behind a hole reads the database instead.
    if (this.count > 0 && frame.seq !== this.lastSeq + 1) this.clear();
    this.frames.push(frame);
    this.bytes += frame.bytes.byteLength;
    while (this.bytes > this.maxBytes && this.count > 1) {
      this.bytes -= this.frames[this.start]!.bytes.byteLength;
      this.frames[this.start++] = undefined;
    }
    if (this.start > 256 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }

  /**
   * Puts older frames in front: contiguous, ending right before the log's first (any log, even an
   * empty one, takes them). As many of the newest of them as the log has room for; `encode` is
   * called only for those. Returns false when they do not join the log.
   */
  prepend<Event extends { seq: number }>(events: Event[], encode: (event: Event) => Frame): boolean {
    if (events.length === 0) return false;
    if (this.count > 0 && events[events.length - 1]!.seq !== this.firstSeq - 1) return false;
    if (!events.every((event, index) => index === 0 || event.seq === events[index - 1]!.seq + 1)) return false;
    const frames: Frame[] = [];
    let bytes = this.bytes;
    for (let index = events.length - 1; index >= 0; index--) {
      const frame = encode(events[index]!);
      if (bytes + frame.bytes.byteLength > this.maxBytes && this.count + frames.length > 0) break;
      frames.push(frame);
      bytes += frame.bytes.byteLength;
    }
    frames.reverse();
    this.frames = [...frames, ...this.frames.slice(this.start)];
    this.start = 0;
    this.bytes = bytes;
    return true;
  }

  clear(): void {
    this.frames = [];
    this.start = 0;
    this.bytes = 0;
  }
}

// The runs active at once are bounded; later runs wait in a first-come, first-served line.

export class RunLine<Run> {
  private readonly active = new Set<Run>();
  private waiting: Run[] = [];

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError(`Expected the number of runs at once to be a whole number of at least 1, got ${capacity}`);
    }
  }

  /** Admits the run (returns 0) or puts it at the end of the line (returns its 1-based position). */
  join(run: Run): number {
    if (this.active.size < this.capacity && this.waiting.length === 0) {
      this.active.add(run);
      return 0;
    }
    this.waiting.push(run);
    return this.waiting.length;
  }

  /** Frees the run's slot (or its place in line) and returns the runs admitted in its stead. */
  leave(run: Run): Run[] {
    if (!this.active.delete(run)) {
      this.waiting = this.waiting.filter((candidate) => candidate !== run);
      return [];
    }
    const admitted: Run[] = [];
    while (this.active.size < this.capacity && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.active.add(next);
      admitted.push(next);
    }
    return admitted;
  }

  isWaiting(run: Run): boolean {
    return this.waiting.includes(run);
  }

  /** The waiting runs, first in line first. */
  get line(): readonly Run[] {
    return this.waiting;
  }

  get activeCount(): number {
    return this.active.size;
  }
}

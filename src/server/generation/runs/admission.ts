// Admission across runs: at most `maxConcurrentRuns` execute at once; later ones wait in a
// first-come, first-served line and are told their position whenever it changes. A run whose
// task types are not all registered yet is parked until they are.
import type { RunRecorder } from "./run-recorder";
import { RunLine } from "./run-line";
import type { RunState } from "./run-state";

export interface AdmissionOptions {
  maxConcurrentRuns: number;
  recorder: RunRecorder;
  /** Whether every task type of the run is registered (else it waits for registerTaskTypes). */
  canRun(run: RunState): boolean;
  start(run: RunState): void;
}

export class Admission {
  private readonly line: RunLine<RunState>;

  constructor(private readonly options: AdmissionOptions) {
    this.line = new RunLine(options.maxConcurrentRuns);
  }

  /** Starts the run now, or puts it in line; parks it while its task types are missing. */
  admit(run: RunState): void {
    if (!this.options.canRun(run)) return;
    const position = this.line.join(run);
    if (position === 0) this.options.start(run);
    else this.announcePositions();
  }

  /** The run ended or was cancelled: free its slot (or its place in line) for the next. */
  leave(run: RunState): void {
    for (const next of this.line.leave(run)) this.options.start(next);
    this.announcePositions();
  }

  isWaiting(run: RunState): boolean {
    return this.line.isWaiting(run);
  }

  get activeCount(): number {
    return this.line.activeCount;
  }

  get waitingCount(): number {
    return this.line.line.length;
  }

  private announcePositions(): void {
    this.line.line.forEach((run, index) => {
      if (run.announcedPosition === index + 1) return;
      run.announcedPosition = index + 1;
      this.options.recorder.emit(run, "queue-position", { position: index + 1 });
    });
  }
}

// The generation engine's public types: its options, its API and its status. The engine itself is
// engine.ts (which re-exports these, so callers import them from there).
import type { Database } from "@/server/db";
import type { Clock } from "./clock";
import type { EngineSettings } from "./engine-settings";
import type { RunEventBus, RunEventListener } from "./events/event-bus";
import type { RunEvent } from "./events/run-events";
import type { ProviderLimitStore } from "./limits/provider-limits";
import type { SharedBudgets } from "./limits/shared/shared-budgets";
import type { RunDispatcher } from "./queue/run-dispatcher";
import type { RunReader } from "./storage/run-reader";
import type { BatchWriter } from "./storage/run-store";
import type { RunDetails, RunStatus, SubmitRunRequest, TaskKind, TaskType } from "./types";

export interface EngineOptions {
  db: Database;
  settings?: Partial<EngineSettings>;
  clock?: Clock;
  /** Source of jitter for retry delays, in [0, 1). */
  random?: () => number;
  bus?: RunEventBus;
  /** Where state changes are written; Prisma by default. The engine closes it on shutdown. */
  writer?: BatchWriter;
  /** Where runs and events are read back; Prisma by default. */
  reader?: RunReader;
  /**
   * Where the budgets keep what they learn about each provider:model's limits, so the next engine
   * starts from it. Without one, every engine starts cold.
   */
  limits?: ProviderLimitStore;
  /**
   * Scaled out: runs are stored here and handed to worker processes through the dispatcher,
   * instead of being executed by this engine. Reads, cancels and retries go through the database
   * and the dispatcher; this engine executes nothing.
   */
  dispatcher?: RunDispatcher;
  /**
   * Worker processes: the budgets' slots, pauses, pacing and adaptive decisions are shared through
   * Redis with every other process that has them (limits/shared/). Without: this process's own.
   */
  sharedBudgets?: SharedBudgets;
}

export interface EngineStatus {
  activeRuns: number;
  waitingRuns: number;
  /** Calls in flight, per budget. */
  inFlight: Record<TaskKind, number>;
  /** The adaptive windows (equal to the caps unless the provider pushed back), per budget. */
  windows: Record<TaskKind, number>;
  /** What each budget has measured of its provider model: what operators size workers from. */
  budgets: Record<TaskKind, BudgetStatus>;
}

export interface BudgetStatus {
  identity: string;
  cap: number;
  inFlight: number;
  window: number;
  /** Calls per second the budget paces to, or null while it paces by window alone. */
  ratePerSecond: number | null;
  /** The measured round trip of one call, or null before the first answer. */
  roundTripMs: number | null;
  /** The window at the provider's last 429 (its limit as last seen), or null when it never refused. */
  limitSeen: number | null;
  /** Shared with the other worker processes: the numbers are all processes', not added up. */
  shared?: boolean;
}

export interface Engine {
  readonly settings: EngineSettings;
  /** Registers a domain's task types. Stored runs that were waiting for them start now. */
  registerTaskTypes(types: readonly TaskType[]): void;
  /** Stores the run and its tasks, and returns its id once they are committed. */
  submitRun(request: SubmitRunRequest): Promise<string>;
  /** Cancels queued tasks and aborts running calls. Cancelling a finished run changes nothing. */
  cancelRun(runId: string): Promise<void>;
  /** Re-queues the tasks of a finished run that did not succeed; returns how many. */
  retryFailed(runId: string): Promise<number>;
  /** Picks up the runs a previous process left unfinished; returns their ids. */
  resumeUnfinished(): Promise<string[]>;
  /**
   * A worker process's part: takes over one stored run (tasks left running start over, succeeded
   * ones are kept), executes it, and resolves with its status once its end is committed, or with
   * null when there is no such run. `cancelNow` is asked once the run is held here, before anything
   * starts: a cancel requested while no process held the run. Rejects with EngineShutdown when the
   * engine shuts down first (the run is left to be taken over again).
   */
  executeRun(runId: string, options?: { cancelNow?(): boolean }): Promise<RunStatus | null>;
  /**
   * A worker process's part: stops executing a run it no longer holds (its hold ran out and
   * another process may have taken it over). Calls in flight are aborted and nothing more of the
   * run is written here; executeRun rejects with EngineShutdown.
   */
  releaseRun(runId: string): void;
  getRun(runId: string): Promise<RunDetails | null>;
  /** The current status of each run that exists (live runs from memory, others as stored). */
  runStatuses(runIds: readonly string[]): Promise<Map<string, RunStatus>>;
  /** Committed events of the run, live. Returns the function that unsubscribes. */
  subscribe(runId: string, listener: RunEventListener): () => void;
  eventsAfter(runId: string, afterSeq: number): Promise<RunEvent[]>;
  /** Resolves with the run once it has ended and its end is committed. */
  waitForRun(runId: string): Promise<RunDetails>;
  status(): EngineStatus;
  /** Aborts in-flight work without marking it failed (a later start resumes it), then writes everything. */
  shutdown(): Promise<void>;
}

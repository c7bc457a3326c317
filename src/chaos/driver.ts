import type { ChaosEvent, ChaosSelector } from '../profile/schema/chaos.js';
import type { ActionOutcome, TargetAction } from '../target-actions.js';

/**
 * The contract between the chaos runner and whatever runs the backends (Docker, plain processes, next
 * Kubernetes). The runner owns the timeline, the schedule, rollback bookkeeping, the ledger and impact; a
 * driver only finds targets, acts on one, says whether it is back, and restores it.
 */

export type { ActionOutcome, TargetAction };

/**
 * One thing chaos acts on. `id` is stable for the run (a container id, a port); `detail` is the driver's own
 * JSON (a pid and its start time, a start command), kept in the ledger so another process can restore it.
 */
export interface ChaosTarget {
  id: string;
  name: string;
  detail?: Readonly<Record<string, unknown>>;
}

export interface ActOptions {
  /** restart, stop: how long to wait after the polite signal before killing. */
  timeoutMs?: number;
  /** kill: the signal. */
  signal?: string;
}

/** What "back" means: running, or healthy where the target has a health check (a driver may know neither). */
export type WaitFor = 'running' | 'healthy';

/** A rollback (or recover) of one target, said as it is. */
export type RestoreResult =
  | { outcome: 'restored'; action: TargetAction }
  | { outcome: 'already-fine'; state: string }
  /** The target no longer exists (its lab was removed): there is nothing left to restore. */
  | { outcome: 'gone'; reason: string }
  | { outcome: 'failed'; action?: TargetAction; error: string };

/** What the runtime itself reported about a target (Docker's event stream). */
export interface TargetEvent {
  /** Epoch milliseconds, on the runtime's clock. */
  timeMs: number;
  action: string;
  targetId: string;
  targetName?: string;
}

export interface ChaosDriver {
  /** The registry name (`docker`, `process`), as the profile and the ledger name it. */
  readonly name: string;
  /** Reaches the runtime (preflight); returns what it reached, for the log ("Docker at ..., API 1.41"). */
  connect(): Promise<string>;
  /** The targets a selector matches, in name order; the event gives driver settings such as a start command. */
  resolve(selector: ChaosSelector, event?: ChaosEvent): Promise<ChaosTarget[]>;
  act(target: ChaosTarget, action: TargetAction, options?: ActOptions): Promise<ActionOutcome>;
  /** Whether the target is back after an action that should bring it back. */
  isBack(target: ChaosTarget, waitFor?: WaitFor): Promise<boolean>;
  /** Puts back what chaos took down (starts a stopped target, continues a paused one); never throws. */
  restore(target: ChaosTarget): Promise<RestoreResult>;
  /** The runtime's own events about these targets from `sinceMs` (epoch) until the signal aborts. */
  events?(targets: readonly ChaosTarget[], sinceMs: number, signal: AbortSignal): AsyncIterable<TargetEvent>;
  /** JSON from which the registry can make this driver again in another process (`recover`). */
  readonly config: Readonly<Record<string, unknown>>;
  /** What a target is called in messages: `container`, `process`. */
  readonly noun: string;
  /** For messages and the dry run: how to list the candidates by hand. */
  readonly listHint: string;
  close(): Promise<void>;
}

/** Looks a driver up by name; the runner gets only this. */
export type DriverLookup = (name: string) => ChaosDriver;

import type { ChaosEvent, ChaosSelector, ScaleCommands } from '../profile/schema/chaos.js';
import type { ActionOutcome, TargetAction } from '../target-actions.js';
import type { ExecResult } from './exec.js';

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

/** Scaling a group: one member more (out) or one fewer (in). */
export type ScaleDirection = 'out' | 'in';
export type ScaleAction = `scale-${ScaleDirection}`;
export type { ScaleCommands };

export interface ScaleRequest {
  direction: ScaleDirection;
  /** in: the member to drain out and stop (a target the event's selector resolved). */
  member?: ChaosTarget;
  /** The event's commands, for a driver that scales by running them (Docker, processes). */
  commands?: ScaleCommands;
  /** How long the scale may take (it is never cut short otherwise: half a scale is worse than a late one). */
  timeoutMs: number;
}

export interface ScaleResult {
  /** out: the member added; in: the member removed. */
  member: ChaosTarget;
  /** The command that scaled, as it ran (for the journal). */
  exec?: ExecResult;
}

/** A rollback (or recover) of one target, said as it is. */
export type RestoreResult =
  | { outcome: 'restored'; action: TargetAction | ScaleAction }
  | { outcome: 'already-fine'; state: string }
  /** The target no longer exists (its lab was removed): there is nothing left to restore. */
  | { outcome: 'gone'; reason: string }
  | { outcome: 'failed'; action?: TargetAction | ScaleAction; error: string };

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
  /**
   * Adds one member to a group, or drains one out and stops it; resolves when the balancer has been changed
   * (out: the member is added and starting; in: it is out and stopped). Optional: a driver without it
   * cannot scale (preflight says so). Throws when the scale failed.
   */
  scale?(request: ScaleRequest): Promise<ScaleResult>;
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

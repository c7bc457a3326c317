import type { ActionOutcome } from './docker/types.js';
import type { ExecResult } from './exec.js';
import type { ChaosAction, ContainerRef } from './schedule.js';

/**
 * The journal: what chaos did and what Docker saw, on the run's clock (milliseconds since the run started,
 * the clock ResponseRecord and LoginRecord use), so that impact can be joined with the requests by time.
 */

/** Why an action record exists beyond the plan: the undo of a `for`, or the rollback at the end of the run. */
export type ActionOrigin = 'planned' | 'undo' | 'rollback';

export type ActionRecordOutcome = ActionOutcome | 'failed' | 'skipped';

export interface ActionRecord {
  /** The planned action's seq (undo and rollback records carry the seq of what they undo, 0 for none). */
  seq: number;
  /**
   * A rolling action's step: the target's place in the roll, from 1. Each step is its own event, with its own
   * impact window from when it was issued; undefined for actions that hit their targets at once.
   */
  step?: number;
  label: string;
  origin: ActionOrigin;
  action: ChaosAction;
  /** Undefined for exec. */
  container?: ContainerRef;
  /** When the plan wanted it, when it was sent, when Docker (or the command) answered. */
  plannedMs?: number;
  issuedMs: number;
  doneMs?: number;
  /**
   * When the target was seen back (running, or healthy when it has a health check): after a restart, after the
   * undo of a stop or pause, after a start. Undefined while it is not, or when nothing brings it back.
   */
  recoveredMs?: number;
  /** Waited waitTimeout for the target to be back, and it was not. */
  recoveryTimedOut?: boolean;
  outcome?: ActionRecordOutcome;
  /** Docker's message for a failure or a conflict. */
  error?: string;
  exec?: ExecResult;
}

export interface DockerEventRecord {
  /** Docker's own time for the event, on the run's clock. */
  atMs: number;
  /** When the event reached us, on the run's clock. */
  receivedMs: number;
  action: string;
  containerId: string;
  containerName?: string;
}

export interface ChaosJournal {
  readonly actions: ActionRecord[];
  readonly dockerEvents: DockerEventRecord[];
  /** What went wrong beside the actions (the event stream breaking), for the report. */
  readonly problems: string[];
  /** Adds a record and returns it, to be completed in place as the action proceeds. */
  begin(record: ActionRecord): ActionRecord;
  addDockerEvent(event: DockerEventRecord): void;
}

/**
 * The id under which a planned action's impact is followed (`MetricsAggregator.trackEvent`) and its journal
 * entry is shown: one per planned action however many containers it hit at once (`chaos-3`), one per step of
 * a rolling action (`chaos-3.1`, `chaos-3.2`, ...).
 */
export function impactId(record: Pick<ActionRecord, 'seq' | 'step'>): string {
  return record.step === undefined ? `chaos-${record.seq}` : `chaos-${record.seq}.${record.step}`;
}

/** At most this many Docker events are kept; a flapping container must not grow the journal without bound. */
export const maxDockerEvents = 10_000;

export function createChaosJournal(): ChaosJournal {
  const actions: ActionRecord[] = [];
  const dockerEvents: DockerEventRecord[] = [];
  return {
    actions,
    dockerEvents,
    problems: [],
    begin: (record) => {
      actions.push(record);
      return record;
    },
    addDockerEvent: (event) => {
      if (dockerEvents.length < maxDockerEvents) dockerEvents.push(event);
    },
  };
}

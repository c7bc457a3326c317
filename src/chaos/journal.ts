import type { ActionOutcome, ChaosTarget, RestoreResult } from './driver.js';
import type { ExecResult } from './exec.js';
import type { ChaosAction } from './schedule.js';

/**
 * The journal: what chaos did and what the runtime saw, on the run's clock (milliseconds since the run started,
 * the clock ResponseRecord and LoginRecord use), so that impact can be joined with the requests by time.
 */

/** Why an action record exists beyond the plan: the undo of a `for`, or the rollback at the end of the run. */
export type ActionOrigin = 'planned' | 'undo' | 'rollback';

/** A rollback record's outcome is the restore's, said as it is: restored, already-fine, gone or failed. */
type ActionRecordOutcome = ActionOutcome | 'failed' | 'skipped' | RestoreResult['outcome'];

export interface ActionRecord {
  /** The planned action's seq (undo and rollback records carry the seq of what they undo, 0 for none). */
  seq: number;
  /**
   * A rolling action's step: the target's place in the roll, from 1. Each step is its own event, with its own
   * impact window from when it was issued to the next step; undefined for actions that hit their targets at
   * once.
   */
  step?: number;
  label: string;
  origin: ActionOrigin;
  action: ChaosAction;
  /** The driver that acted; undefined for exec. */
  driver?: string;
  /** Undefined for exec. */
  target?: ChaosTarget;
  /** When the plan wanted it, when it was sent, when the driver (or the command) answered. */
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
  /** Docker's message (or the driver's) for a failure or a conflict. */
  error?: string;
  /** What a rollback found, when there was nothing to do (`it was running`, `no such container`). */
  note?: string;
  /** When an exec printed its marker line (its action was done then, though it ran on). */
  markerMs?: number;
  exec?: ExecResult;
}

/** An event the runtime reported about a target (Docker's event stream). */
interface TargetEventRecord {
  driver: string;
  /** The runtime's own time for the event, on the run's clock. */
  atMs: number;
  /** When the event reached us, on the run's clock. */
  receivedMs: number;
  action: string;
  targetId: string;
  targetName?: string;
}

/** Something that went wrong beside the actions (an event stream breaking), with when it did. */
interface JournalProblem {
  atMs: number;
  message: string;
}

export interface ChaosJournal {
  /** When the traffic phase started, on the run's clock: the origin of the profile's `at` and of reports. */
  trafficStartMs?: number;
  readonly actions: ActionRecord[];
  readonly targetEvents: TargetEventRecord[];
  readonly problems: JournalProblem[];
  /** Adds a record and returns it, to be completed in place as the action proceeds. */
  begin(record: ActionRecord): ActionRecord;
  addTargetEvent(event: TargetEventRecord): void;
}

/**
 * The id under which a planned action's impact is followed (`MetricsAggregator.trackEvent`) and its journal
 * entry is shown: one per planned action however many containers it hit at once (`chaos-3`), one per step of
 * a rolling action (`chaos-3.1`, `chaos-3.2`, ...).
 */
export function impactId(record: Pick<ActionRecord, 'seq' | 'step'>): string {
  return record.step === undefined ? `chaos-${record.seq}` : `chaos-${record.seq}.${record.step}`;
}

/** At most this many runtime events are kept; a flapping container must not grow the journal without bound. */
const maxTargetEvents = 10_000;

export function createChaosJournal(): ChaosJournal {
  const actions: ActionRecord[] = [];
  const targetEvents: TargetEventRecord[] = [];
  return {
    actions,
    targetEvents,
    problems: [],
    begin: (record) => {
      actions.push(record);
      return record;
    },
    addTargetEvent: (event) => {
      if (targetEvents.length < maxTargetEvents) targetEvents.push(event);
    },
  };
}

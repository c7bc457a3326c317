import type { Clock } from '../util/clock.js';
import { retryUntil, type Sleep, systemSleep } from '../util/retry.js';
import type { ActionOutcome, ChaosDriver, ChaosTarget, DriverLookup, TargetAction } from './driver.js';
import { execDoneMarker, execSucceeded, runExec } from './exec.js';
import type { ActionOrigin, ActionRecord, ChaosJournal } from './journal.js';
import type { Ledger } from './ledger.js';
import type { PlannedAction } from './schedule.js';

export interface ChaosRunnerOptions {
  /** The drivers by name; required when any planned action acts on a target. */
  drivers?: DriverLookup;
  clock: Clock;
  sleep?: Sleep;
  /** Epoch milliseconds, to place the runtime's event times on the run's clock. */
  wallClock?: () => number;
  actions: readonly PlannedAction[];
  journal: ChaosJournal;
  /** Written before each action that takes a target down; undefined: nothing is written (unit tests). */
  ledger?: Ledger;
  /** The clock reading at the run's time 0 (ResponseRecord times count from it); default: now. */
  runStartedAt?: number;
  /** How often a target is checked while waiting for it to be back. */
  pollMs?: number;
  /** Whether to record the runtime's event stream for the targets; default true when there are targets. */
  recordTargetEvents?: boolean;
  /** How long stop() waits for actions under way (the run's chaos drain budget); default 60 s. */
  settleTimeoutMs?: number;
  /** Called as each planned action is sent to a target (undo and rollback excluded) or an exec starts. */
  onIssued?: (record: ActionRecord) => void;
  /**
   * Called as a planned action (each step of a rolling one) is issued: its impact window opens then, since a
   * restart's effect begins with its stop. Once per target; the targets of one action share its impact id.
   */
  onImpactStart?: (record: ActionRecord) => void;
  /**
   * Called once per planned action (per step of a rolling one) when its effect is over, at `atMs` on the run
   * clock: every target is back (after a restart, a start, the undo of a `for`), or, where nothing brings it
   * back, the action is done (a stop, a pause), or the wait for it to be back ended (a kill that no restart
   * policy undid); an exec's when its command printed its marker, else exited. The window closes
   * chaos.impactWindow after this.
   */
  onImpactOver?: (impact: Pick<ActionRecord, 'seq' | 'step'>, atMs: number) => void;
  /** Called at once when an action fails, so the run can decide whether to abort; start() rejects with it too. */
  onFault?: (error: unknown) => void;
}

/** A target this run took down and has not brought back, with the driver that did it. */
interface TakenDown {
  driver: string;
  target: ChaosTarget;
}

export interface ChaosRunner {
  readonly journal: ChaosJournal;
  /**
   * Plays the timeline from now, the start of the traffic phase (`trafficStartMs` on the run's clock, default
   * now). Resolves when every action (and its undo and recovery wait) is over, or after stop(); rejects with
   * the first failure once everything has settled.
   */
  start(trafficStartMs?: number): Promise<void>;
  /** Stops the timeline: no new action starts, waits are cut short; actions already sent finish. */
  stop(): Promise<void>;
  /**
   * Stops, then restores every target the run stopped, killed or paused, whatever state the timeline left it
   * in. Idempotent; returns the rollback's own journal records, each with its outcome as it is.
   */
  rollback(): Promise<ActionRecord[]>;
  /** Targets the run took down and has not restored yet. */
  pending(): TakenDown[];
}

const undoOf = { stop: 'start', pause: 'unpause' } as const;
/** Actions that leave a target down until someone brings it back. */
const downing = new Set<TargetAction>(['stop', 'kill', 'pause']);
/** Actions the ledger writes down first: a restart killed half-way (a process's) leaves the target down. */
const ledgered = new Set<TargetAction>(['stop', 'kill', 'pause', 'restart']);
/** Actions after which the target is expected back by itself (kill: when a restart policy applies). */
const recovering = new Set<TargetAction>(['restart', 'start', 'unpause', 'kill']);
const defaultSettleTimeoutMs = 60_000;
const eventsGraceMs = 250;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const keyOf = (driver: string, target: ChaosTarget): string => `${driver}\0${target.id}`;

export function createChaosRunner(options: ChaosRunnerOptions): ChaosRunner {
  const { clock, journal, actions, ledger } = options;
  const sleep = options.sleep ?? systemSleep;
  const pollMs = options.pollMs ?? 100;
  const runStartedAt = options.runStartedAt ?? clock.now();
  const runNow = (): number => clock.now() - runStartedAt;
  const wallAtRunStart = (options.wallClock ?? Date.now)() - runNow();

  const stopping = new AbortController();
  const eventsStream = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  /** Targets this run took down, in the order it did, with their open ledger entries. */
  const takenDown = new Map<string, TakenDown & { ledgerIds: string[] }>();
  let firstFault: unknown;
  let eventsDone: Promise<unknown> = Promise.resolve();
  let stopped: Promise<void> | undefined;
  let rolledBack: Promise<ActionRecord[]> | undefined;
  /** The run's time when start() was called: planned times count from it. */
  let trafficStartMs = 0;

  const recordingEvents = options.recordTargetEvents ?? actions.some((action) => action.targets.length > 0);

  function driver(name: string | undefined): ChaosDriver {
    if (options.drivers === undefined || name === undefined)
      throw new Error('a chaos action needs a driver, and none was given');
    return options.drivers(name);
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function fault(error: unknown): void {
    firstFault ??= error;
    options.onFault?.(error);
  }

  /** Sleeps until the run's clock reads `runMs`; false when the timeline was stopped first. */
  async function until(runMs: number): Promise<boolean> {
    const wait = runMs - runNow();
    if (stopping.signal.aborted) return false;
    if (wait <= 0) return true;
    try {
      await sleep(wait, stopping.signal);
      return !stopping.signal.aborted;
    } catch {
      return false;
    }
  }

  /** The target is back or restored: it is no longer this run's to restore, and its ledger entries close. */
  function released(driverName: string, target: ChaosTarget): void {
    const key = keyOf(driverName, target);
    for (const id of takenDown.get(key)?.ledgerIds ?? []) ledger?.close(id);
    takenDown.delete(key);
  }

  async function send(
    planned: Pick<PlannedAction, 'seq' | 'label' | 'stopTimeoutMs' | 'signal' | 'driver'> & {
      plannedMs?: number;
      step?: number;
    },
    origin: ActionOrigin,
    action: TargetAction,
    target: ChaosTarget,
  ): Promise<ActionRecord> {
    const driverName = planned.driver ?? '';
    const acting = driver(driverName);
    const key = keyOf(driverName, target);
    const wasDown = takenDown.has(key);
    let ledgerId: string | undefined;
    if (ledgered.has(action) && ledger !== undefined) {
      // On disk before the action is sent: a run killed from here on leaves recover a way back.
      ledgerId = ledger.open({
        seq: planned.seq,
        driver: driverName,
        config: acting.config,
        target,
        action,
        undo: action === 'pause' ? 'unpause' : 'start',
      });
    }
    const entry = takenDown.get(key) ?? { driver: driverName, target, ledgerIds: [] };
    if (ledgerId !== undefined) entry.ledgerIds.push(ledgerId);
    if (ledgered.has(action)) takenDown.set(key, entry);
    const record = journal.begin({
      seq: planned.seq,
      ...(planned.step === undefined ? {} : { step: planned.step }),
      label: planned.label,
      origin,
      action,
      driver: driverName,
      target,
      ...(planned.plannedMs === undefined ? {} : { plannedMs: planned.plannedMs }),
      issuedMs: runNow(),
    });
    if (origin === 'planned') {
      options.onIssued?.(record);
      options.onImpactStart?.(record);
    }
    let outcome: ActionOutcome;
    try {
      outcome = await acting.act(target, action, {
        ...(planned.stopTimeoutMs === undefined ? {} : { timeoutMs: planned.stopTimeoutMs }),
        ...(planned.signal === undefined ? {} : { signal: planned.signal }),
      });
    } catch (error) {
      record.doneMs = runNow();
      record.outcome = 'failed';
      record.error = errorText(error);
      throw error;
    }
    record.doneMs = runNow();
    record.outcome = outcome;
    // A restart the driver finished, an undo, a start: the target is no longer down.
    if (!downing.has(action) && outcome === 'done') released(driverName, target);
    else if (!downing.has(action) && !wasDown) released(driverName, target);
    else if (downing.has(action) && outcome !== 'done' && !wasDown) released(driverName, target);
    return record;
  }

  async function watchRecovery(
    record: ActionRecord,
    planned: PlannedAction,
    target: ChaosTarget,
  ): Promise<void> {
    const acting = driver(planned.driver);
    try {
      const back = await retryUntil(
        async () => ((await acting.isBack(target, planned.waitFor)) ? runNow() : undefined),
        { clock, sleep, timeoutMs: planned.waitTimeoutMs, intervalMs: pollMs, signal: stopping.signal },
      );
      if (back !== undefined) {
        record.recoveredMs = back;
        // A killed target that came back by itself (a restart policy) needs no restore.
        if (planned.action === 'kill') released(planned.driver ?? '', target);
      } else record.recoveryTimedOut = true;
    } catch (error) {
      if (!stopping.signal.aborted) record.error = `while waiting for it to be back: ${errorText(error)}`;
    }
  }

  /**
   * Tells onImpactOver once `count` targets of one impact (all of a planned action's, or one rolling step's)
   * are over, at the latest of their times.
   */
  function impactOver(impact: Pick<ActionRecord, 'seq' | 'step'>, count: number): (atMs: number) => void {
    let left = count;
    let latest = Number.NEGATIVE_INFINITY;
    return (atMs) => {
      latest = Math.max(latest, atMs);
      if (--left === 0) options.onImpactOver?.(impact, latest);
    };
  }

  /**
   * One target: the action, its undo after `for`, and the wait for it to be back; `over` is told when its
   * effect is, whichever way this goes. True when it came back. `step` is the target's place in a rolling
   * action.
   */
  async function actOn(
    planned: PlannedAction,
    target: ChaosTarget,
    awaitRecovery: boolean,
    over: (atMs: number) => void,
    step?: number,
  ): Promise<boolean> {
    const action = planned.action as TargetAction;
    const plannedMs = planned.atMs + trafficStartMs;
    let record: ActionRecord;
    try {
      record = await send(
        { ...planned, plannedMs, ...(step === undefined ? {} : { step }) },
        'planned',
        action,
        target,
      );
    } catch (error) {
      over(runNow());
      throw error;
    }
    let expectBack = recovering.has(action);
    if (
      planned.undoAfterMs !== undefined &&
      (action === 'stop' || action === 'pause') &&
      record.outcome === 'done'
    ) {
      try {
        // The run ended first: the rollback undoes it, after the traffic this window could hold.
        if (!(await until((record.doneMs ?? runNow()) + planned.undoAfterMs))) {
          over(runNow());
          return false;
        }
        await send(
          { seq: planned.seq, label: planned.label, driver: planned.driver },
          'undo',
          undoOf[action],
          target,
        );
      } catch (error) {
        over(runNow());
        throw error;
      }
      expectBack = true;
    }
    if (!expectBack) {
      over(record.doneMs ?? runNow());
      return true;
    }
    // Never rejects: a failed wait is journalled, and the effect is then over as far as this run can tell.
    const watching = watchRecovery(record, planned, target).then(() => over(record.recoveredMs ?? runNow()));
    if (!awaitRecovery) {
      track(watching);
      return true;
    }
    await watching;
    return record.recoveredMs !== undefined;
  }

  async function performExec(planned: PlannedAction): Promise<void> {
    const record = journal.begin({
      seq: planned.seq,
      label: planned.label,
      origin: 'planned',
      action: 'exec',
      plannedMs: planned.atMs + trafficStartMs,
      issuedMs: runNow(),
    });
    options.onIssued?.(record);
    options.onImpactStart?.(record);
    const over = impactOver(record, 1);
    const result = await runExec(planned.command ?? [], {
      timeoutMs: planned.execTimeoutMs ?? 60_000,
      signal: stopping.signal,
      marker: planned.marker ?? execDoneMarker,
      onMarker: () => {
        record.markerMs = runNow();
        over(record.markerMs);
      },
    });
    record.doneMs = runNow();
    record.outcome = execSucceeded(result) ? 'done' : 'failed';
    record.exec = result;
    if (record.markerMs === undefined) over(record.doneMs);
  }

  async function perform(planned: PlannedAction): Promise<void> {
    if (planned.action === 'exec') return performExec(planned);
    if (!planned.rolling) {
      const over = impactOver({ seq: planned.seq }, planned.targets.length);
      await Promise.all(planned.targets.map((target) => actOn(planned, target, false, over)));
      return;
    }
    for (const [index, target] of planned.targets.entries()) {
      // The run is over: a roll does not go on past it (the rest would be journalled as skipped for nothing).
      if (stopping.signal.aborted) return;
      const step = index + 1;
      if (await actOn(planned, target, true, impactOver({ seq: planned.seq, step }, 1), step)) continue;
      // A real rollout halts when a replica does not come back; so does this one, and says what it skipped.
      for (const [skippedIndex, skipped] of planned.targets.slice(index + 1).entries()) {
        journal.begin({
          seq: planned.seq,
          step: index + 2 + skippedIndex,
          label: planned.label,
          origin: 'planned',
          action: planned.action,
          ...(planned.driver === undefined ? {} : { driver: planned.driver }),
          target: skipped,
          issuedMs: runNow(),
          outcome: 'skipped',
          error: `${target.name} was not back within ${planned.waitTimeoutMs}ms`,
        });
      }
      return;
    }
  }

  /** The runtime's own events, for each driver that has them, over the targets it acts on. */
  async function recordTargetEvents(driverName: string, targets: ChaosTarget[]): Promise<void> {
    const source = driver(driverName);
    if (source.events === undefined) return;
    try {
      for await (const event of source.events(targets, wallAtRunStart + runNow(), eventsStream.signal)) {
        journal.addTargetEvent({
          driver: driverName,
          atMs: event.timeMs - wallAtRunStart,
          receivedMs: runNow(),
          action: event.action,
          targetId: event.targetId,
          ...(event.targetName === undefined ? {} : { targetName: event.targetName }),
        });
      }
    } catch (error) {
      if (!eventsStream.signal.aborted) {
        journal.problems.push({ atMs: runNow(), message: `${driverName} event stream: ${errorText(error)}` });
      }
    }
  }

  function startEventStreams(): Promise<unknown> {
    const byDriver = new Map<string, Map<string, ChaosTarget>>();
    for (const action of actions) {
      if (action.driver === undefined) continue;
      const targets = byDriver.get(action.driver) ?? new Map<string, ChaosTarget>();
      for (const target of action.targets) targets.set(target.id, target);
      byDriver.set(action.driver, targets);
    }
    return Promise.all(
      [...byDriver].map(([name, targets]) => recordTargetEvents(name, [...targets.values()])),
    );
  }

  async function start(at?: number): Promise<void> {
    trafficStartMs = at ?? runNow();
    journal.trafficStartMs = trafficStartMs;
    if (recordingEvents) eventsDone = startEventStreams();
    for (const planned of actions) {
      if (!(await until(trafficStartMs + planned.atMs))) break;
      track(perform(planned).catch(fault));
    }
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    if (firstFault !== undefined) throw firstFault;
  }

  function stop(): Promise<void> {
    stopped ??= (async () => {
      stopping.abort();
      // Until none is left: an action that finishes adds its wait for the target to be back (cut short now),
      // and its impact is over only when that ends.
      const settled = (async () => {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      const bound = new Promise<void>((resolve) =>
        setTimeout(resolve, options.settleTimeoutMs ?? defaultSettleTimeoutMs).unref(),
      );
      await Promise.race([settled, bound]);
    })();
    return stopped;
  }

  async function restore(down: TakenDown): Promise<ActionRecord> {
    const issuedMs = runNow();
    const result = await driver(down.driver).restore(down.target);
    const record = journal.begin({
      seq: 0,
      label: 'rollback',
      origin: 'rollback',
      action:
        result.outcome === 'restored' || result.outcome === 'failed' ? (result.action ?? 'start') : 'start',
      driver: down.driver,
      target: down.target,
      issuedMs,
      doneMs: runNow(),
      outcome: result.outcome,
      ...(result.outcome === 'failed' ? { error: result.error } : {}),
      ...(result.outcome === 'gone' ? { note: result.reason } : {}),
      ...(result.outcome === 'already-fine' ? { note: result.state } : {}),
    });
    if (result.outcome !== 'failed') released(down.driver, down.target);
    return record;
  }

  function rollback(): Promise<ActionRecord[]> {
    rolledBack ??= (async () => {
      await stop();
      const records: ActionRecord[] = [];
      for (const down of [...takenDown.values()]) records.push(await restore(down));
      if (recordingEvents) {
        // Docker publishes the rollback's own events a moment after answering; keep them in the journal.
        await sleep(eventsGraceMs).catch(() => undefined);
        eventsStream.abort();
        await eventsDone;
      }
      return records;
    })();
    return rolledBack;
  }

  return {
    journal,
    start,
    stop,
    rollback,
    pending: () => [...takenDown.values()].map(({ driver: name, target }) => ({ driver: name, target })),
  };
}

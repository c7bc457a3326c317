import type { Clock } from '../util/clock.js';
import { retryUntil, type Sleep, systemSleep } from '../util/retry.js';
import type {
  ActionOutcome,
  ChaosDriver,
  ChaosTarget,
  DriverLookup,
  ScaleCommands,
  ScaleDirection,
  ScaleResult,
  TargetAction,
} from './driver.js';
import { execDoneMarker, execSucceeded, runExec } from './exec.js';
import type { ActionOrigin, ActionRecord, ChaosJournal } from './journal.js';
import type { Ledger } from './ledger.js';
import { isScaleAction, type PlannedAction } from './schedule.js';

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
   * policy undid); an exec's when its command printed its marker, else exited; a scale-out's when the member
   * it added (already in the balancer) answers; a scale-in's when its command is done (the member drained out
   * of the balancer and stopped). The window closes chaos.impactWindow after this.
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
   * in, and puts each group it scaled back to its size: scales in the members it added, latest first, or
   * scales out one new member for each it removed. Idempotent; returns the rollback's own journal records,
   * each with its outcome as it is.
   */
  rollback(): Promise<ActionRecord[]>;
  /** Targets the run took down and has not restored yet, and members of scales not undone yet. */
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

/** A scale the run made and has not made up for: the member it added, or the one it removed. */
interface Scaled extends TakenDown {
  seq: number;
  /** The order the run made its scales in. */
  order: number;
  direction: ScaleDirection;
  commands: ScaleCommands | undefined;
  timeoutMs: number;
  ledgerId?: string;
}

const defaultScaleTimeoutMs = 60_000;
const opposite = { out: 'in', in: 'out' } as const;

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
  /**
   * Per group (a driver and its scale commands), the scales not made up for; a scale out and a scale in of
   * one group cancel, so each stack holds one direction, and its length is how far the group is off its size.
   */
  const scaled = new Map<string, Scaled[]>();
  /**
   * Scale actions happen one at a time, each to its end (a scale-out's member answering): a group changes by
   * one member at a time, as an autoscaler changes it, and the lab's state is written by one scale at a time.
   */
  let scaleTurn: Promise<unknown> = Promise.resolve();
  let scales = 0;
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

  const groupOf = (driverName: string, commands: ScaleCommands | undefined): string =>
    `${driverName}\0${JSON.stringify(commands ?? null)}`;

  /** Keeps a scale for the rollback, or cancels it against the latest of the other direction. */
  function remember(change: Scaled): void {
    const group = groupOf(change.driver, change.commands);
    const stack = scaled.get(group) ?? [];
    const last = stack.at(-1);
    if (last !== undefined && last.direction !== change.direction) {
      stack.pop();
      for (const id of [last.ledgerId, change.ledgerId]) if (id !== undefined) ledger?.close(id);
    } else stack.push(change);
    scaled.set(group, stack);
  }

  function forget(change: Scaled): void {
    const stack = scaled.get(groupOf(change.driver, change.commands)) ?? [];
    stack.splice(stack.indexOf(change), 1);
    if (change.ledgerId !== undefined) ledger?.close(change.ledgerId);
  }

  /** Runs `scale` when the scale action before it is over, whichever way that went. */
  function inTurn<T>(scale: () => Promise<T>): Promise<T> {
    const turn = scaleTurn.then(scale, scale);
    scaleTurn = turn.catch(() => undefined);
    return turn;
  }

  /** One scale: out (member undefined: the command names the member it adds) or in (of `member`). */
  async function scaleOnce(
    planned: PlannedAction,
    member: ChaosTarget | undefined,
    over: (atMs: number) => void,
    step?: number,
  ): Promise<void> {
    const driverName = planned.driver ?? '';
    const acting = driver(driverName);
    const direction: ScaleDirection = planned.action === 'scale-out' ? 'out' : 'in';
    const timeoutMs = planned.execTimeoutMs ?? defaultScaleTimeoutMs;
    const commands = planned.scale === undefined ? {} : { scale: planned.scale };
    const write = (target: ChaosTarget, action: 'scale-in' | 'scale-out') =>
      ledger?.open({
        seq: planned.seq,
        driver: driverName,
        config: acting.config,
        target,
        action,
        undo: action === 'scale-in' ? 'scale-out' : 'scale-in',
        ...commands,
      });
    // A scale-in is on disk before its command runs; a scale-out once its command named the member.
    const removing = member === undefined ? undefined : write(member, 'scale-in');
    const record = journal.begin({
      seq: planned.seq,
      ...(step === undefined ? {} : { step }),
      label: planned.label,
      origin: 'planned',
      action: planned.action,
      driver: driverName,
      ...(member === undefined ? {} : { target: member }),
      plannedMs: planned.atMs + trafficStartMs,
      issuedMs: runNow(),
    });
    options.onIssued?.(record);
    options.onImpactStart?.(record);
    let result: ScaleResult;
    try {
      if (acting.scale === undefined) throw new Error(`the ${driverName} driver cannot scale`);
      result = await acting.scale({
        direction,
        ...(member === undefined ? {} : { member }),
        ...(planned.scale === undefined ? {} : { commands: planned.scale }),
        timeoutMs,
      });
    } catch (error) {
      // What a failed scale did is not known, so it is not undone: the run ends as a fault that names it.
      record.doneMs = runNow();
      record.outcome = 'failed';
      record.error = errorText(error);
      if (removing !== undefined) ledger?.close(removing);
      over(record.doneMs);
      throw error;
    }
    record.doneMs = runNow();
    record.outcome = 'done';
    record.target = result.member;
    if (result.exec !== undefined) record.exec = result.exec;
    const ledgerId = removing ?? write(result.member, 'scale-out');
    remember({
      seq: planned.seq,
      order: ++scales,
      driver: driverName,
      direction,
      target: result.member,
      commands: planned.scale,
      timeoutMs,
      ...(ledgerId === undefined ? {} : { ledgerId }),
    });
    if (direction === 'in') {
      // A removed member is gone: nothing of it is left to restore.
      released(driverName, result.member);
      over(record.doneMs);
      return;
    }
    // In the balancer already: its effect is over once it answers.
    await watchRecovery(record, planned, result.member);
    over(record.recoveredMs ?? runNow());
  }

  function performScale(planned: PlannedAction): Promise<void> {
    return inTurn(() => scaleInTurn(planned));
  }

  async function scaleInTurn(planned: PlannedAction): Promise<void> {
    if (planned.action === 'scale-out')
      return scaleOnce(planned, undefined, impactOver({ seq: planned.seq }, 1));
    const together = planned.rolling ? undefined : impactOver({ seq: planned.seq }, planned.targets.length);
    for (const [index, member] of planned.targets.entries()) {
      const step = planned.rolling ? index + 1 : undefined;
      const over = together ?? impactOver({ seq: planned.seq, ...(step === undefined ? {} : { step }) }, 1);
      if (stopping.signal.aborted) {
        // The run is over: the rest of a scale-in does not go on past it.
        journal.begin({
          seq: planned.seq,
          ...(step === undefined ? {} : { step }),
          label: planned.label,
          origin: 'planned',
          action: planned.action,
          ...(planned.driver === undefined ? {} : { driver: planned.driver }),
          target: member,
          issuedMs: runNow(),
          outcome: 'skipped',
          error: 'the traffic phase ended first',
        });
        over(runNow());
        continue;
      }
      await scaleOnce(planned, member, over, step);
    }
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
    if (isScaleAction(planned.action)) return performScale(planned);
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

  /** The undo of a scale: the member it added scaled in, or a new one in place of the member it removed. */
  async function unscale(change: Scaled): Promise<ActionRecord> {
    const undo = opposite[change.direction];
    const record = journal.begin({
      seq: change.seq,
      label: 'rollback',
      origin: 'rollback',
      action: `scale-${undo}`,
      driver: change.driver,
      target: change.target,
      issuedMs: runNow(),
    });
    try {
      const acting = driver(change.driver);
      if (acting.scale === undefined) throw new Error(`the ${change.driver} driver cannot scale`);
      const result = await acting.scale({
        direction: undo,
        ...(undo === 'in' ? { member: change.target } : {}),
        ...(change.commands === undefined ? {} : { commands: change.commands }),
        timeoutMs: change.timeoutMs,
      });
      record.outcome = 'restored';
      record.target = result.member;
      if (result.exec !== undefined) record.exec = result.exec;
      record.note =
        undo === 'in'
          ? `scaled in ${result.member.name}, which the run added`
          : `scaled out ${result.member.name} in place of ${change.target.name}, which the run removed`;
      forget(change);
    } catch (error) {
      record.outcome = 'failed';
      record.error = errorText(error);
    }
    record.doneMs = runNow();
    return record;
  }

  /** Scales not made up for, latest first: undone in that order, a group never shrinks below its size. */
  const unmadeScales = (): Scaled[] => [...scaled.values()].flat().sort((a, b) => b.order - a.order);

  function rollback(): Promise<ActionRecord[]> {
    rolledBack ??= (async () => {
      await stop();
      const records: ActionRecord[] = [];
      for (const down of [...takenDown.values()]) records.push(await restore(down));
      for (const change of unmadeScales()) records.push(await unscale(change));
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
    pending: () =>
      [...takenDown.values(), ...unmadeScales()].map(({ driver: name, target }) => ({
        driver: name,
        target,
      })),
  };
}

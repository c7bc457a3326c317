import type { Clock } from '../util/clock.js';
import { retryUntil, type Sleep, systemSleep } from '../util/retry.js';
import type { ActionOutcome, ContainerAction, ContainerState, DockerClient } from './docker/types.js';
import { execSucceeded, runExec } from './exec.js';
import type { ActionOrigin, ActionRecord, ChaosJournal } from './journal.js';
import type { ContainerRef, PlannedAction } from './schedule.js';

export interface ChaosRunnerOptions {
  /** Required when any planned action acts on a container. */
  client?: DockerClient;
  clock: Clock;
  sleep?: Sleep;
  /** Epoch milliseconds, to place Docker's event times on the run's clock. */
  wallClock?: () => number;
  actions: readonly PlannedAction[];
  journal: ChaosJournal;
  /** The clock reading at the run's time 0 (ResponseRecord times count from it); default: now. */
  runStartedAt?: number;
  /** How often a target is inspected while waiting for it to be back. */
  pollMs?: number;
  /** Whether to record Docker's event stream for the targets; default true when there are targets. */
  recordDockerEvents?: boolean;
  /**
   * Called as each planned action is sent to a container (undo and rollback excluded) or an exec starts,
   * before the answer: the run starts following its impact from there.
   */
  onIssued?: (record: ActionRecord) => void;
  /** Called at once when an action fails, so the run can decide whether to abort; start() rejects with it too. */
  onFault?: (error: unknown) => void;
}

export interface ChaosRunner {
  readonly journal: ChaosJournal;
  /**
   * Plays the timeline from now, the start of the traffic phase. Resolves when every action (and its undo and
   * recovery wait) is over, or after stop(); rejects with the first failure once everything has settled.
   */
  start(): Promise<void>;
  /** Stops the timeline: no new action starts, waits are cut short; actions already sent to Docker finish. */
  stop(): Promise<void>;
  /**
   * Stops, then starts every container the run stopped or killed and unpauses every one it paused, whatever
   * state the timeline left them in. Idempotent; returns the rollback's own journal records.
   */
  rollback(): Promise<ActionRecord[]>;
  /** Containers the run stopped, killed or paused and has not restored yet. */
  pending(): ContainerRef[];
}

const undoOf = { stop: 'start', pause: 'unpause' } as const;
/** Actions that leave a container down until someone brings it back. */
const downing = new Set<ContainerAction>(['stop', 'kill', 'pause']);
/** Actions after which the target is expected back by itself (kill: when a restart policy applies). */
const recovering = new Set<ContainerAction>(['restart', 'start', 'unpause', 'kill']);
/** Docker answers a stop within its grace period; this bounds how long stop() waits for in-flight actions. */
const settleTimeoutMs = 60_000;
const eventsGraceMs = 250;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isBack(state: ContainerState, waitFor: PlannedAction['waitFor']): boolean {
  if (state.status !== 'running') return false;
  if (waitFor === 'running' || state.health === undefined) return true;
  return state.health === 'healthy';
}

export function createChaosRunner(options: ChaosRunnerOptions): ChaosRunner {
  const { clock, journal, actions } = options;
  const sleep = options.sleep ?? systemSleep;
  const pollMs = options.pollMs ?? 100;
  const runStartedAt = options.runStartedAt ?? clock.now();
  const runNow = (): number => clock.now() - runStartedAt;
  const wallAtRunStart = (options.wallClock ?? Date.now)() - runNow();

  const stopping = new AbortController();
  const eventsStream = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  /** Containers this run took down, by id, in the order it did. */
  const takenDown = new Map<string, ContainerRef>();
  let firstFault: unknown;
  let eventsDone: Promise<void> = Promise.resolve();
  let stopped: Promise<void> | undefined;
  let rolledBack: Promise<ActionRecord[]> | undefined;
  /** The run's time when start() was called: planned times count from it. */
  let trafficStartMs = 0;

  const targetIds = [...new Set(actions.flatMap((action) => action.targets.map((target) => target.id)))];
  const recordingEvents = options.recordDockerEvents ?? targetIds.length > 0;

  function client(): DockerClient {
    if (options.client === undefined)
      throw new Error('a chaos action needs a Docker client, and none was given');
    return options.client;
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

  async function send(
    planned: Pick<PlannedAction, 'seq' | 'label' | 'stopTimeoutS' | 'signal'> & {
      plannedMs?: number;
      step?: number;
    },
    origin: ActionOrigin,
    action: ContainerAction,
    target: ContainerRef,
  ): Promise<ActionRecord> {
    const wasDown = takenDown.has(target.id);
    if (downing.has(action)) takenDown.set(target.id, target);
    const record = journal.begin({
      seq: planned.seq,
      ...(planned.step === undefined ? {} : { step: planned.step }),
      label: planned.label,
      origin,
      action,
      container: target,
      ...(planned.plannedMs === undefined ? {} : { plannedMs: planned.plannedMs }),
      issuedMs: runNow(),
    });
    if (origin === 'planned') options.onIssued?.(record);
    let outcome: ActionOutcome;
    try {
      outcome = await client().act(target.id, action, {
        ...(planned.stopTimeoutS === undefined ? {} : { timeoutS: planned.stopTimeoutS }),
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
    if (!downing.has(action)) takenDown.delete(target.id);
    else if (outcome !== 'done' && !wasDown) takenDown.delete(target.id);
    return record;
  }

  async function watchRecovery(
    record: ActionRecord,
    planned: PlannedAction,
    target: ContainerRef,
  ): Promise<void> {
    try {
      const back = await retryUntil(
        async () => (isBack(await client().inspect(target.id), planned.waitFor) ? runNow() : undefined),
        { clock, sleep, timeoutMs: planned.waitTimeoutMs, intervalMs: pollMs, signal: stopping.signal },
      );
      if (back !== undefined) record.recoveredMs = back;
      else record.recoveryTimedOut = true;
    } catch (error) {
      if (!stopping.signal.aborted) record.error = `while waiting for it to be back: ${errorText(error)}`;
    }
  }

  /**
   * One target: the action, its undo after `for`, and the wait for it to be back. True when it came back.
   * `step` is the target's place in a rolling action.
   */
  async function actOn(
    planned: PlannedAction,
    target: ContainerRef,
    awaitRecovery: boolean,
    step?: number,
  ): Promise<boolean> {
    const action = planned.action as ContainerAction;
    const plannedMs = planned.atMs + trafficStartMs;
    const record = await send(
      { ...planned, plannedMs, ...(step === undefined ? {} : { step }) },
      'planned',
      action,
      target,
    );
    let expectBack = recovering.has(action);
    if (
      planned.undoAfterMs !== undefined &&
      (action === 'stop' || action === 'pause') &&
      record.outcome === 'done'
    ) {
      if (!(await until((record.doneMs ?? runNow()) + planned.undoAfterMs))) return false;
      await send({ seq: planned.seq, label: planned.label }, 'undo', undoOf[action], target);
      expectBack = true;
    }
    if (!expectBack) return true;
    const watching = watchRecovery(record, planned, target);
    if (!awaitRecovery) {
      track(watching);
      return true;
    }
    await watching;
    return record.recoveredMs !== undefined;
  }

  async function perform(planned: PlannedAction): Promise<void> {
    if (planned.action === 'exec') {
      const record = journal.begin({
        seq: planned.seq,
        label: planned.label,
        origin: 'planned',
        action: 'exec',
        plannedMs: planned.atMs + trafficStartMs,
        issuedMs: runNow(),
      });
      options.onIssued?.(record);
      const result = await runExec(planned.command ?? [], {
        timeoutMs: planned.execTimeoutMs ?? 60_000,
        signal: stopping.signal,
      });
      record.doneMs = runNow();
      record.outcome = execSucceeded(result) ? 'done' : 'failed';
      record.exec = result;
      return;
    }
    if (!planned.rolling) {
      await Promise.all(planned.targets.map((target) => actOn(planned, target, false)));
      return;
    }
    for (const [index, target] of planned.targets.entries()) {
      if (await actOn(planned, target, true, index + 1)) continue;
      // A real rollout halts when a replica does not come back; so does this one, and says what it skipped.
      for (const [skippedIndex, skipped] of planned.targets.slice(index + 1).entries()) {
        journal.begin({
          seq: planned.seq,
          step: index + 2 + skippedIndex,
          label: planned.label,
          origin: 'planned',
          action: planned.action,
          container: skipped,
          issuedMs: runNow(),
          outcome: 'skipped',
          error: `${target.name} was not back within ${planned.waitTimeoutMs}ms`,
        });
      }
      return;
    }
  }

  async function recordDockerEvents(): Promise<void> {
    try {
      for await (const event of client().events({
        containers: targetIds,
        sinceMs: wallAtRunStart + runNow(),
        signal: eventsStream.signal,
      })) {
        journal.addDockerEvent({
          atMs: event.timeMs - wallAtRunStart,
          receivedMs: runNow(),
          action: event.action,
          containerId: event.id,
          ...(event.name === undefined ? {} : { containerName: event.name }),
        });
      }
    } catch (error) {
      if (!eventsStream.signal.aborted) journal.problems.push(`Docker event stream: ${errorText(error)}`);
    }
  }

  async function start(): Promise<void> {
    trafficStartMs = runNow();
    if (recordingEvents) eventsDone = recordDockerEvents();
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
      const settled = Promise.allSettled([...inFlight]);
      const bound = new Promise<void>((resolve) => setTimeout(resolve, settleTimeoutMs).unref());
      await Promise.race([settled, bound]);
    })();
    return stopped;
  }

  async function restore(target: ContainerRef): Promise<ActionRecord | undefined> {
    const rollbackOf = { seq: 0, label: 'rollback' };
    let state: ContainerState;
    try {
      state = await client().inspect(target.id);
    } catch (error) {
      return journal.begin({
        ...rollbackOf,
        origin: 'rollback',
        action: 'start',
        container: target,
        issuedMs: runNow(),
        outcome: 'failed',
        error: errorText(error),
      });
    }
    if (state.status === 'running' || state.status === 'restarting') {
      takenDown.delete(target.id);
      return undefined;
    }
    const action = state.status === 'paused' ? 'unpause' : 'start';
    // send() journals a failure itself; the rollback goes on with the next container.
    return send(rollbackOf, 'rollback', action, target).catch(() => journal.actions.at(-1));
  }

  function rollback(): Promise<ActionRecord[]> {
    rolledBack ??= (async () => {
      await stop();
      const records: ActionRecord[] = [];
      for (const target of [...takenDown.values()]) {
        const record = await restore(target);
        if (record !== undefined) records.push(record);
      }
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
    pending: () => [...takenDown.values()],
  };
}

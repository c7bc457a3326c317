import type { Plan } from '../profile/load.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import type { ChaosDriver } from './driver.js';
import { type DriverSet, openDrivers } from './drivers.js';
import { type ActionRecord, type ChaosJournal, createChaosJournal, impactId } from './journal.js';
import { createLedger, type Ledger } from './ledger.js';
import { chaosPreflight } from './preflight.js';
import { describeRecoverLine, recoverLedgers } from './recover.js';
import { type ChaosRunner, createChaosRunner } from './runner.js';
import { installChaosSignalHook } from './signals.js';

export interface ChaosSessionOptions {
  /** The run's clock and its reading at the run's time 0 (ResponseRecord times count from there). */
  clock: Clock;
  runStartedAt: number;
  /** Drivers injected by name (tests); the others are made as the plan asks (chaos.docker.host, DOCKER_HOST). */
  drivers?: Readonly<Partial<Record<string, ChaosDriver>>>;
  /** The ledger (tests); false for none; default: a new one in the state directory (see ledger.ts). */
  ledger?: Ledger | false;
  env?: NodeJS.ProcessEnv;
  /**
   * Follow an action's impact under `id` from `at` (run clock), when it is issued, until `windowMs` after its
   * effect is over (MetricsAggregator.trackEvent): called once per planned action, and once per step of a
   * rolling action, as each target's turn comes.
   */
  followImpact?: (id: string, at: number, windowMs: number) => ImpactWindow | undefined;
  /** Each action as it is sent to a target or an exec starts (for the progress line). */
  onIssued?: (record: ActionRecord) => void;
  /** SIGINT or SIGTERM arrived: chaos is being rolled back; the run should stop its traffic. */
  onSignal?: (signal: NodeJS.Signals) => void;
  /** A second signal during that rollback (see installChaosSignalHook); default: exit at once. */
  onSecondSignal?: (signal: NodeJS.Signals) => void;
  log?: (line: string) => void;
}

/**
 * A followed impact (ImpactTracker): open until the action's effect is over, then its length more, unless a
 * later step of the same rolling action cuts it short.
 */
interface ImpactWindow {
  over(runMs: number): void;
  endAt(runMs: number): void;
}

export interface ChaosOutcome {
  journal: ChaosJournal;
  /**
   * The first action that failed, or the restores that did: the run's result is then a fault (exit 4),
   * since it did not test what it planned, or left a target down.
   */
  failure?: string;
  /** Targets the rollback could not bring back, each with the driver's answer. */
  restoreFailures: string[];
}

/** Chaos as the run pipeline drives it: checked before any traffic, played during it, undone however it ends. */
export interface ChaosSession {
  readonly journal: ChaosJournal;
  /**
   * The traffic phase starts now, at `trafficStartMs` on the run's clock when given (the reading the metrics
   * count from too, so the journal and the summary share one origin to the microsecond): the timeline's times
   * count from here.
   */
  startTimeline(trafficStartMs?: number): void;
  /** The traffic phase is over: no further action starts (those under way finish). */
  stopTimeline(): Promise<void>;
  /**
   * Restores what the run took down, within chaos.drainBudget, and closes the drivers. Call it in `finally`;
   * idempotent.
   */
  finish(): Promise<ChaosOutcome>;
  /** What the run took down and has not restored yet, with the command that brings each back. */
  leftDown(): LeftDown[];
}

export interface LeftDown {
  /** The target's name (a container, a process). */
  container: string;
  /** `session-chaos recover`: the ledger has what it needs. */
  command: string;
}

/** The rollback of one target, said as it is. */
function rollbackLine(record: ActionRecord): string {
  const name = record.target?.name ?? record.label;
  switch (record.outcome) {
    case 'restored':
      // A scale's undo says what it did to the group (scaled b4 in, b5 out in place of b2).
      return record.note === undefined
        ? `chaos: restored ${name} (${record.action})`
        : `chaos: ${record.note}`;
    case 'already-fine':
      return `chaos: ${name} was already fine (${record.note ?? 'up'})`;
    case 'gone':
      return `chaos: ${name} is gone (${record.note ?? 'no such target'}), nothing to restore`;
    default:
      return `chaos: could not restore ${name} (${record.action}): ${record.error ?? record.outcome}`;
  }
}

/** What earlier runs that died left down, restored before this one measures anything. */
async function recoverLeftovers(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const report = await recoverLedgers({ env });
  for (const problem of report.problems) log(`chaos ledger: ${problem}`);
  for (const line of report.lines) log(`chaos ledger: an earlier run died; ${describeRecoverLine(line)}`);
}

/**
 * Restores what earlier dead runs left down (the ledger), runs the chaos preflight (exit 2 for a schedule
 * outside the traffic phase, exit 3 when a driver cannot reach its runtime or a selector matches no target or
 * too many) and returns the session, or undefined when the profile has no chaos events.
 */
export async function prepareChaosSession(
  plan: Plan,
  options: ChaosSessionOptions,
): Promise<ChaosSession | undefined> {
  const { chaos } = plan.profile;
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  if (options.ledger !== false) await recoverLeftovers(env, log);
  if (chaos.events.length === 0) return undefined;
  const drivers: DriverSet = openDrivers(plan, env, options.drivers);
  let prepared: Awaited<ReturnType<typeof chaosPreflight>>;
  try {
    prepared = await chaosPreflight(plan, drivers);
  } catch (error) {
    await drivers.close();
    throw error;
  }
  for (const line of prepared.reached) log(`preflight: ${line}`);
  log(`chaos: ${prepared.actions.length} action(s) planned`);

  const ledger = options.ledger === false ? undefined : (options.ledger ?? createLedger(env));
  const journal = createChaosJournal();
  let failure: string | undefined;
  const restoreFailures: string[] = [];
  let runner: ChaosRunner | undefined;
  let uninstall: (() => void) | undefined;
  let finished: Promise<ChaosOutcome> | undefined;
  const followed = new Map<string, ImpactWindow | undefined>();
  /** Per rolling action (by seq), the window of its latest step. */
  const latestStep = new Map<number, ImpactWindow>();

  async function rollBack(): Promise<void> {
    const records = (await runner?.rollback()) ?? [];
    for (const record of records) {
      log(rollbackLine(record));
      if (record.outcome === 'failed') {
        restoreFailures.push(`${record.target?.name ?? record.label}: ${record.error ?? 'failed'}`);
      }
    }
  }

  /** The rollback within the drain budget; past it, what is still down is named and left to the ledger. */
  async function rollBackWithin(budgetMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>((resolve) => {
      timer = setTimeout(() => resolve('overdue'), budgetMs);
    });
    try {
      if ((await Promise.race([rollBack(), overdue])) !== 'overdue') return;
    } finally {
      clearTimeout(timer);
    }
    const left = (runner?.pending() ?? []).map((down) => down.target.name);
    const text = `the rollback did not finish within ${formatDuration(budgetMs)} (chaos.drainBudget)${
      left.length === 0 ? '' : `; still down: ${left.join(', ')}; bring them back with: session-chaos recover`
    }`;
    log(`chaos: ${text}`);
    restoreFailures.push(text);
  }

  return {
    journal,
    startTimeline(trafficStartMs) {
      runner = createChaosRunner({
        drivers: (name) => drivers.get(name),
        clock: options.clock,
        runStartedAt: options.runStartedAt,
        actions: prepared.actions,
        journal,
        ...(ledger === undefined ? {} : { ledger }),
        settleTimeoutMs: chaos.drainBudget,
        ...(options.onIssued === undefined ? {} : { onIssued: options.onIssued }),
        onImpactStart: (record) => {
          const id = impactId(record);
          const from = record.issuedMs;
          if (followed.has(id)) return;
          const window = options.followImpact?.(id, from, chaos.impactWindow);
          followed.set(id, window);
          if (record.step === undefined) return;
          // Each record counts for the step whose action came last before it, never for two steps.
          latestStep.get(record.seq)?.endAt(from);
          if (window !== undefined) latestStep.set(record.seq, window);
        },
        onImpactOver: (impact, atMs) => followed.get(impactId(impact))?.over(atMs),
        onFault: (error) => {
          failure ??= error instanceof Error ? error.message : String(error);
          log(`chaos: ${failure}`);
        },
      });
      uninstall = installChaosSignalHook(runner, {
        onSignal: options.onSignal ?? (() => undefined),
        ...(options.onSecondSignal === undefined ? {} : { onSecondSignal: options.onSecondSignal }),
      });
      // Failures are kept by onFault; the timeline's own promise only says it is over.
      runner.start(trafficStartMs).catch(() => undefined);
    },
    stopTimeline: async () => {
      await runner?.stop();
    },
    leftDown() {
      // The ledger holds every one of them: one command brings back all, whichever driver took them down.
      return (runner?.pending() ?? []).map((down) => ({
        container: down.target.name,
        command: 'session-chaos recover',
      }));
    },
    finish() {
      finished ??= (async () => {
        try {
          await rollBackWithin(chaos.drainBudget);
        } finally {
          uninstall?.();
          ledger?.finish();
          await drivers.close();
        }
        const restoreFailure =
          restoreFailures.length === 0 ? undefined : `could not restore ${restoreFailures.join('; ')}`;
        const reason = failure ?? restoreFailure;
        return { journal, restoreFailures, ...(reason === undefined ? {} : { failure: reason }) };
      })();
      return finished;
    },
  };
}

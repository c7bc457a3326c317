import type { LoginOutcome } from '../classify/record.js';
import { type ResponseClass, responseClasses } from '../classify/types.js';
import type { Clock } from '../util/clock.js';
import type { ProgressSnapshot } from './progress.js';

/** How long the progress line names the last chaos action (the default impact window). */
const chaosShownMs = 10_000;

const zeroClasses = Object.fromEntries(responseClasses.map((name) => [name, 0])) as Record<
  ResponseClass,
  number
>;

/** The run's counts so far, as its one aggregator holds them. */
interface LiveCounts {
  classes: Readonly<Record<ResponseClass, number>>;
  logins: Readonly<Record<LoginOutcome, number>>;
}

export interface LiveRunOptions {
  clock: Clock;
  /** Read at each sample (undefined before the run has its aggregator); it never counts by itself. */
  counts: () => LiveCounts | undefined;
  /** The traffic phase's planned length and request budget, for the progress line. */
  totalMs?: number;
  totalRequests?: number;
}

/** What the progress line shows: the phase in progress, its clock, the run's counts, the last chaos action. */
export class LiveRun {
  private current: ProgressSnapshot['phase'] = 'preflight';
  private phaseStartedAt: number;
  private chaos: { text: string; at: number } | undefined;

  constructor(private readonly options: LiveRunOptions) {
    this.phaseStartedAt = options.clock.now();
  }

  /** A phase starts: its clock restarts from 0. */
  phase(name: ProgressSnapshot['phase']): void {
    this.current = name;
    this.phaseStartedAt = this.options.clock.now();
  }

  /** A chaos action was issued (`restart lab-app2`): the progress line shows it for a while. */
  chaosIssued(text: string): void {
    this.chaos = { text, at: this.options.clock.now() };
  }

  snapshot(): ProgressSnapshot {
    const now = this.options.clock.now();
    const counts = this.options.counts();
    const classes = counts?.classes ?? zeroClasses;
    const logins: Readonly<Record<string, number>> = counts?.logins ?? {};
    const { totalMs, totalRequests } = this.options;
    const inTraffic = this.current === 'traffic' || this.current === 'drain';
    const responses = responseClasses.reduce((sum, name) => sum + classes[name], 0);
    const loginCount = Object.values(logins).reduce((sum, n) => sum + n, 0);
    return {
      phase: this.current,
      elapsedMs: now - this.phaseStartedAt,
      ...(this.current === 'traffic' && totalMs !== undefined ? { totalMs } : {}),
      requests: inTraffic ? responses : loginCount,
      ...(inTraffic && totalRequests !== undefined ? { totalRequests } : {}),
      classes: { ...classes },
      ...(this.chaos === undefined || now - this.chaos.at >= chaosShownMs ? {} : { chaos: this.chaos.text }),
    };
  }
}

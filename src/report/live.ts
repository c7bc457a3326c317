import type { Classification } from '../classify/types.js';
import { type ResponseClass, responseClasses } from '../classify/types.js';
import { MetricsAggregator } from '../metrics/aggregator.js';
import { summarize } from '../metrics/summarize.js';
import { firstAbortingFailure, type ThresholdResult } from '../thresholds/evaluate.js';
import type { Threshold } from '../thresholds/expression.js';
import type { LoginRecord, ResponseRecord } from '../traffic/record.js';
import type { RecordSink } from '../traffic/sink.js';
import type { Clock } from '../util/clock.js';
import type { ProgressSnapshot, Timer } from './progress.js';

/** How long the progress line names the last chaos action (the default impact window). */
const chaosShownMs = 10_000;

export interface LiveRunOptions {
  clock: Clock;
  thresholds: readonly Threshold[];
  users: number;
  /** The traffic phase's planned length and request budget, for the progress line. */
  totalMs?: number;
  totalRequests?: number;
  /** Called once, with the first `abortOnFail` threshold that fails; the caller stops the run. */
  onThresholdFailed: (result: ThresholdResult) => void;
  timer: Timer;
  /** How often abortOnFail thresholds are checked on the live summary. */
  checkEveryMs?: number;
}

/**
 * A record sink that watches the run as it goes: counts for the progress line, and, only when a threshold
 * asks to abort on failure, its own metrics aggregator whose live summary is checked every second.
 */
export class LiveRun implements RecordSink {
  private readonly classes = Object.fromEntries(responseClasses.map((name) => [name, 0])) as Record<
    ResponseClass,
    number
  >;
  private requests = 0;
  private logins = 0;
  private trafficStartedAt: number | undefined;
  private readonly phaseStartedAt: number;
  private readonly metrics: MetricsAggregator | undefined;
  private handle: unknown;
  private failed = false;
  private chaos: { text: string; at: number } | undefined;

  constructor(private readonly options: LiveRunOptions) {
    this.phaseStartedAt = options.clock.now();
    const watching = options.thresholds.some((threshold) => threshold.abortOnFail);
    this.metrics = watching ? new MetricsAggregator({ vus: options.users }) : undefined;
    if (watching) this.handle = options.timer.setInterval(() => this.check(), options.checkEveryMs ?? 1000);
  }

  onLogin(record: LoginRecord): void {
    this.logins++;
    this.metrics?.login(record);
  }

  onResponse(record: ResponseRecord, classification: Classification): void {
    this.trafficStartedAt ??= this.options.clock.now();
    this.requests++;
    this.classes[classification.class]++;
    this.metrics?.response(record, classification);
  }

  /** A chaos action was issued (`restart lab-app2`): the progress line shows it for a while. */
  chaosIssued(text: string): void {
    this.chaos = { text, at: this.options.clock.now() };
  }

  /** Checks the abortOnFail thresholds on the summary so far (also called by the timer). */
  check(): ThresholdResult | undefined {
    if (this.metrics === undefined || this.failed) return undefined;
    const failure = firstAbortingFailure(summarize(this.metrics.aggregates()), this.options.thresholds);
    if (failure !== undefined) {
      this.failed = true;
      this.stop();
      this.options.onThresholdFailed(failure);
    }
    return failure;
  }

  snapshot(): ProgressSnapshot {
    const now = this.options.clock.now();
    const inTraffic = this.trafficStartedAt !== undefined;
    const { totalMs, totalRequests } = this.options;
    return {
      phase: inTraffic ? 'traffic' : this.logins > 0 ? 'login' : 'preflight',
      elapsedMs: now - (this.trafficStartedAt ?? this.phaseStartedAt),
      ...(inTraffic && totalMs !== undefined ? { totalMs } : {}),
      requests: inTraffic ? this.requests : this.logins,
      ...(inTraffic && totalRequests !== undefined ? { totalRequests } : {}),
      classes: { ...this.classes },
      ...(this.chaos === undefined || now - this.chaos.at >= chaosShownMs ? {} : { chaos: this.chaos.text }),
    };
  }

  stop(): void {
    if (this.handle !== undefined) this.options.timer.clearInterval(this.handle);
    this.handle = undefined;
  }
}

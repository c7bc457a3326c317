import type { ChaosOutcome, LeftDown } from '../chaos/session.js';
import type { ControlsReport } from '../controls/report.js';
import { describeFatal, ExitCode } from '../errors.js';
import { deriveFindings } from '../findings/rules.js';
import { MetricsAggregator } from '../metrics/aggregator.js';
import { summarize } from '../metrics/summarize.js';
import type { Summary } from '../metrics/summary.js';
import type { Plan } from '../profile/load.js';
import { journalEntries } from '../report/journal.js';
import { systemTimer, type Timer } from '../report/progress.js';
import {
  buildResult,
  type EarlyEnd,
  type EngineFacts,
  type RunResult as ResultDocument,
} from '../report/result.js';
import { type ResolvedThreshold, resolveThresholds, type ThresholdSettings } from '../thresholds/resolve.js';
import { watchThresholds } from './live-thresholds.js';
import { engineFacts, partialEngineFacts } from './report.js';
import { executeRun, type PartialRun, type RunDependencies, type RunResult } from './run.js';

export interface PipelineOptions extends Omit<RunDependencies, 'signal' | 'metrics' | 'onFailed'> {
  /** `--fail-on` and `--no-default-thresholds`; default: the profile's thresholds and the defaults. */
  thresholds?: ThresholdSettings;
  /**
   * Aborting it (Ctrl-C) ends the phase in progress; the run drains, rolls chaos back and its document says
   * `interrupted`. A string reason ("interrupted by SIGINT") becomes the verdict's message.
   */
  signal?: AbortSignal;
  /** The run's one aggregator, before the first record (the progress line reads its counts). */
  onMetrics?: (metrics: MetricsAggregator) => void;
  /** Wall time for the document's startedAt and endedAt. */
  now?: () => Date;
  /** Drives the live check of `abortOnFail` thresholds. */
  timer?: Timer;
}

export interface PipelineResult {
  /** The result document every renderer reads. */
  document: ResultDocument;
  /** The engine's shape of the run (phases, users, throughput); absent when a fault aborted it. */
  run?: RunResult;
  /** The fault that aborted the run (the document's verdict is `aborted`): the caller reports it too. */
  fault?: unknown;
}

function interruptMessage(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === 'string' ? signal.reason : 'interrupted';
}

/** The rollback a second signal cut short, in words, with the commands that bring the rest back. */
function describeLeftDown(leftDown: readonly LeftDown[] | undefined): string | undefined {
  if (leftDown === undefined) return undefined;
  if (leftDown.length === 0)
    return 'the chaos rollback was cut short by a second signal; nothing was left down';
  const names = leftDown.map((entry) => entry.container).join(', ');
  const commands = [...new Set(leftDown.map((entry) => entry.command))].join('; ');
  return `the chaos rollback was cut short by a second signal; left down: ${names} (bring back with: ${commands})`;
}

function withLeftDown(message: string, leftDown: readonly LeftDown[] | undefined): string {
  const left = describeLeftDown(leftDown);
  return left === undefined ? message : `${message}; ${left}`;
}

/** How the run ended, the first reason winning: an interrupt, an abortOnFail threshold, a chaos action refused. */
function earlyEndOf(
  run: RunResult,
  interruptedBy: string | undefined,
  thresholdEnd: EarlyEnd | undefined,
): EarlyEnd | undefined {
  if (interruptedBy !== undefined) {
    return { kind: 'interrupted', message: withLeftDown(interruptedBy, run.leftDown) };
  }
  if (thresholdEnd !== undefined) return thresholdEnd;
  // A chaos action Docker refused means the run did not test what it planned: a fault (exit 4).
  const chaosFailure = run.chaos?.failure;
  return chaosFailure === undefined ? undefined : { kind: 'fault', message: `chaos: ${chaosFailure}` };
}

/**
 * The one run pipeline: plan -> preflight -> login -> traffic -> drain -> summary -> findings -> thresholds
 * -> result document. `run`, `matrix`, `demo` and the bench all call it, so none of them can differ in what is
 * checked, counted or judged. Renderers are outside it: they read the document.
 *
 * A bad `--fail-on`, a profile problem or a failed preflight throws (exit 2 or 3: there was no run to report);
 * a fault during the run (exit 4) still returns the document of what was seen, with the fault beside it.
 */
export async function runPipeline(plan: Plan, options: PipelineOptions = {}): Promise<PipelineResult> {
  const thresholds: ResolvedThreshold[] = resolveThresholds(plan.profile.thresholds, options.thresholds);
  const now = options.now ?? (() => new Date());
  const { traffic, classify } = plan.profile;
  const metrics = new MetricsAggregator({ vus: traffic.users, expectedBackends: classify.backends });
  options.onMetrics?.(metrics);

  // The run's own stop: the caller's interrupt, or an abortOnFail threshold that failed on the live summary.
  const stop = new AbortController();
  const external = options.signal;
  let interruptedBy: string | undefined;
  const onInterrupt = (): void => {
    interruptedBy ??= interruptMessage(external);
    stop.abort();
  };
  if (external?.aborted) onInterrupt();
  else external?.addEventListener('abort', onInterrupt, { once: true });
  let thresholdEnd: EarlyEnd | undefined;
  const watch = watchThresholds({
    thresholds,
    summary: () => summarize(metrics.aggregates()),
    timer: options.timer ?? systemTimer,
    onFailed: (failure) => {
      thresholdEnd ??= {
        kind: 'threshold',
        message: `${failure.expression} failed during the run (abortOnFail)`,
      };
      stop.abort();
    },
  });

  const { thresholds: _settings, onMetrics: _onMetrics, now: _now, timer: _timer, ...deps } = options;
  const startedAt = now();
  let partial: PartialRun | undefined;
  /** summary -> findings -> thresholds -> result document: the pure end of the pipeline. */
  const document = (
    seen: {
      summary: Summary;
      engine: EngineFacts;
      chaos?: ChaosOutcome | undefined;
      controls?: ControlsReport | undefined;
    },
    earlyEnd: EarlyEnd | undefined,
  ): ResultDocument => {
    const journal = seen.chaos === undefined ? [] : journalEntries(seen.chaos.journal);
    const findings = deriveFindings({
      summary: seen.summary,
      listedBackends: classify.backends ?? [],
      sourceAddressesSpread: traffic.sourceAddresses !== undefined,
      chaosActions: journal.filter((entry) => entry.kind === 'action'),
    });
    return buildResult({
      plan,
      summary: seen.summary,
      engine: seen.engine,
      ...(seen.controls === undefined ? {} : { controls: seen.controls }),
      thresholds,
      journal,
      // The journal counts from the traffic phase, the timeline from the run's start: the HTML report aligns them.
      ...(seen.chaos?.journal.trafficStartMs === undefined
        ? {}
        : { trafficStartMs: seen.chaos.journal.trafficStartMs }),
      findings,
      startedAt,
      endedAt: now(),
      ...(earlyEnd === undefined ? {} : { earlyEnd }),
    });
  };
  try {
    const run = await executeRun(plan, {
      ...deps,
      signal: stop.signal,
      metrics,
      onFailed: (seen) => {
        partial = seen;
      },
    });
    watch.stop();
    const earlyEnd = earlyEndOf(run, interruptedBy, thresholdEnd);
    return {
      document: document(
        { summary: run.summary, engine: engineFacts(run), chaos: run.chaos, controls: run.controls },
        earlyEnd,
      ),
      run,
    };
  } catch (error) {
    // A fault (exit 4) still leaves a document for CI to show; preflight and profile errors (exit 3, 2)
    // happen before there is a run to report.
    if (partial === undefined || describeFatal(error).exitCode !== ExitCode.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return {
      document: document(
        { summary: partial.summary, engine: partialEngineFacts(partial), chaos: partial.chaos },
        { kind: 'fault', message: withLeftDown(message, partial.leftDown) },
      ),
      fault: error,
    };
  } finally {
    watch.stop();
    external?.removeEventListener('abort', onInterrupt);
  }
}

import type { Summary } from '../metrics/summary.js';
import type { Threshold } from '../profile/threshold-expression.js';
import type { Timer } from '../report/progress.js';
import { firstAbortingFailure, type ThresholdResult } from '../thresholds/evaluate.js';

export interface ThresholdWatchOptions {
  thresholds: readonly Threshold[];
  /** The summary of the records so far. */
  summary: () => Summary;
  timer: Timer;
  checkEveryMs?: number;
  /** Called once, with the first `abortOnFail` threshold that fails; the pipeline stops the run. */
  onFailed: (result: ThresholdResult) => void;
}

export interface ThresholdWatch {
  /** Checks now (the timer calls it too); the failure, the first time one is found. */
  check(): ThresholdResult | undefined;
  stop(): void;
}

/** Checks the `abortOnFail` thresholds on the live summary every second; does nothing when none asks to. */
export function watchThresholds(options: ThresholdWatchOptions): ThresholdWatch {
  const watching = options.thresholds.some((threshold) => threshold.abortOnFail);
  let done = !watching;
  let handle: unknown;
  const stop = (): void => {
    done = true;
    if (handle !== undefined) options.timer.clearInterval(handle);
    handle = undefined;
  };
  const check = (): ThresholdResult | undefined => {
    if (done) return undefined;
    const failure = firstAbortingFailure(options.summary(), options.thresholds);
    if (failure !== undefined) {
      stop();
      options.onFailed(failure);
    }
    return failure;
  };
  if (watching) handle = options.timer.setInterval(check, options.checkEveryMs ?? 1000);
  return { check, stop };
}

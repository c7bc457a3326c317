import type { Summary } from '../metrics/summary.js';
import { compare, type Threshold } from '../profile/threshold-expression.js';
import { readMetric } from './metrics.js';

export interface ThresholdResult extends Threshold {
  /** The metric's value; null when the summary has no data for it, which fails the threshold. */
  actual: number | null;
  passed: boolean;
}

function evaluateThreshold(summary: Summary, threshold: Threshold): ThresholdResult {
  const actual = readMetric(threshold.metric, summary);
  return { ...threshold, actual, passed: actual !== null && compare(actual, threshold.op, threshold.value) };
}

/** Evaluates every threshold on the final summary, in order. */
export function evaluateThresholds(summary: Summary, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((threshold) => evaluateThreshold(summary, threshold));
}

/**
 * For the run loop: given a live summary, the first `abortOnFail` threshold that already fails, if any.
 * Unlike the final evaluation, a metric without data yet does not abort (early in a run most ratios are null).
 */
export function firstAbortingFailure(
  summary: Summary,
  thresholds: readonly Threshold[],
): ThresholdResult | undefined {
  for (const threshold of thresholds) {
    if (!threshold.abortOnFail) continue;
    const result = evaluateThreshold(summary, threshold);
    if (result.actual !== null && !result.passed) return result;
  }
  return undefined;
}

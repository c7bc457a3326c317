import { describe, expect, it } from 'vitest';
import { metricDefinitions, metricNames } from '../../src/profile/metrics.js';
import { parseThreshold, type Threshold } from '../../src/profile/threshold-expression.js';
import { evaluateThresholds, firstAbortingFailure } from '../../src/thresholds/evaluate.js';
import { readMetric } from '../../src/thresholds/metrics.js';
import { fixedSummary } from '../report/fixtures.js';

function threshold(text: string, abortOnFail = false): Threshold {
  const parsed = parseThreshold(text, abortOnFail);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const summary = fixedSummary();

describe('evaluateThresholds on a real summary', () => {
  it('reads each metric and decides pass or fail', () => {
    const results = evaluateThresholds(summary, [
      threshold('mismatchRate<1%'),
      threshold('wrongUser==0'),
      threshold('loadSkew<1.5'),
      threshold('relogins.total<=10'),
      threshold('latency.p99<500ms'),
    ]);
    expect(results.map(({ metric, actual, passed }) => ({ metric, actual, passed }))).toEqual([
      { metric: 'mismatchRate', actual: summary.mismatchRate.value, passed: true },
      { metric: 'wrongUser', actual: 0, passed: true },
      { metric: 'loadSkew', actual: summary.loadSkew, passed: false },
      { metric: 'relogins.total', actual: 8, passed: true },
      { metric: 'latency.p99', actual: summary.latency.p99, passed: true },
    ]);
  });

  it('fails a threshold on a metric without data: no data must not pass by accident', () => {
    const empty = {
      ...summary,
      mismatchRate: { ...summary.mismatchRate, value: null, low: null, high: null },
    };
    expect(evaluateThresholds(empty, [threshold('mismatchRate<0.01')])[0]).toMatchObject({
      actual: null,
      passed: false,
    });
  });
});

describe('firstAbortingFailure (the run loop checks a live summary)', () => {
  it('returns the first failing abortOnFail threshold only', () => {
    const thresholds = [
      threshold('loadSkew<1.2'),
      threshold('relogins.total<5', true),
      threshold('mismatches<1', true),
    ];
    expect(firstAbortingFailure(summary, thresholds)?.expression).toBe('relogins.total<5');
  });

  it('does not abort on a metric that has no data yet, nor on a threshold that holds', () => {
    const early = { ...summary, affinity: null };
    expect(
      firstAbortingFailure(early, [threshold('affinity>0.99', true), threshold('wrongUser==0', true)]),
    ).toBe(undefined);
  });
});

describe('the metric table', () => {
  it('has unique names, each readable on a summary as a number or null', () => {
    expect(new Set(metricNames).size).toBe(metricNames.length);
    for (const definition of metricDefinitions) {
      const value = readMetric(definition.name, summary);
      expect(value === null || Number.isFinite(value), definition.name).toBe(true);
    }
  });
});

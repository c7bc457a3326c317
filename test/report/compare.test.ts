import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { compareResults, parseRegressionRules, renderComparison } from '../../src/report/compare.js';
import { fixedResult, fixedSummary } from './fixtures.js';

const before = fixedResult();
const worse = (() => {
  const summary = fixedSummary();
  return fixedResult({
    summary: {
      ...summary,
      mismatchRate: { ...summary.mismatchRate, value: 0.03 },
      latency: { ...summary.latency, p99: 60 },
    },
  });
})();

describe('compareResults', () => {
  it('shows each metric before and after, with its change', () => {
    const changes = compareResults(before, worse);
    const mismatch = changes.find((change) => change.metric.name === 'mismatchRate');
    expect(mismatch).toMatchObject({ before: before.summary.mismatchRate.value, after: 0.03 });
    expect(mismatch?.delta).toBeCloseTo(0.03 - (before.summary.mismatchRate.value ?? 0));
    expect(changes.find((change) => change.metric.name === 'wrongUser')).toMatchObject({ delta: 0 });
  });

  it('flags a metric that got worse by more than its tolerance, in the direction that is worse', () => {
    const rules = parseRegressionRules(['mismatchRate:1%', 'latency.p99:20ms', 'throughput.perSecond:1']);
    const flagged = compareResults(before, worse, rules)
      .filter((change) => change.regression !== undefined)
      .map((change) => change.metric.name);
    expect(flagged).toEqual(['mismatchRate']);
    // The other way round the mismatch rate improved: no regression.
    expect(compareResults(worse, before, rules).some((change) => change.regression !== undefined)).toBe(
      false,
    );
  });

  it('refuses bad rules, naming each', () => {
    expect(() => parseRegressionRules(['mismatchRate', 'latncy.p99:5ms', 'latency.p99:5%'])).toThrow(
      UsageError,
    );
    expect(() => parseRegressionRules(['mismatchRate', 'latncy.p99:5ms', 'latency.p99:5%'])).toThrow(
      /"mismatchRate": expected metric:tolerance[\s\S]*"latncy.p99:5ms": unknown metric "latncy.p99" \(did you mean "latency.p99"\?\)[\s\S]*"latency.p99:5%": latency.p99 takes a duration/,
    );
  });
});

describe('renderComparison', () => {
  it('prints a row per metric with data and the regressions', () => {
    const text = renderComparison(
      { before: 'a.json', after: 'b.json' },
      compareResults(before, worse, parseRegressionRules(['mismatchRate:1%'])),
      { color: false },
    );
    expect(text).toMatch(/^metric\s+a\.json\s+b\.json\s+change$/m);
    expect(text).toMatch(
      /^mismatchRate\s+0\.41%\s+3%\s+\+2\.59% \(\+\d+(\.\d+)?%\)\s+REGRESSION \(> mismatchRate:1%\)$/m,
    );
    expect(text).toMatch(/^wrongUser\s+0\s+0\s+=$/m);
    expect(text.endsWith('\n1 regression\n')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { ProfileError, UsageError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { formatThresholdPlan, resolveThresholds } from '../../src/thresholds/resolve.js';
import { minimalProfile } from '../profile/fixtures.js';

const summarize = (thresholds: ReturnType<typeof resolveThresholds>) =>
  thresholds.map(({ expression, origin, abortOnFail }) => ({ expression, origin, abortOnFail }));

describe('resolveThresholds', () => {
  it('takes the profile, then --fail-on, then adds the defaults their metrics leave open', () => {
    const resolved = resolveThresholds(
      ['mismatchRate<0.01', { expression: 'errorRate<5%', abortOnFail: true }],
      {
        failOn: ['latency.p99<500ms'],
      },
    );
    expect(summarize(resolved)).toEqual([
      { expression: 'mismatchRate<0.01', origin: 'profile', abortOnFail: false },
      { expression: 'errorRate<5%', origin: 'profile', abortOnFail: true },
      { expression: 'latency.p99<500ms', origin: 'flag', abortOnFail: false },
      // errorRate replaces the error default; mismatchRate the mismatch one.
      { expression: 'wrongUser==0', origin: 'default', abortOnFail: false },
    ]);
  });

  it('judges a run with no thresholds of its own by the default verdict', () => {
    expect(resolveThresholds([]).map((threshold) => threshold.expression)).toEqual([
      'wrongUser==0',
      'mismatches==0',
      'errorRate.outsideChaos<=1%',
    ]);
  });

  it('lets a threshold on a metric of the same kind replace each default', () => {
    expect(summarize(resolveThresholds([], { failOn: ['wrongUser<=3'] }))).toEqual([
      { expression: 'wrongUser<=3', origin: 'flag', abortOnFail: false },
      { expression: 'mismatches==0', origin: 'default', abortOnFail: false },
      { expression: 'errorRate.outsideChaos<=1%', origin: 'default', abortOnFail: false },
    ]);
    const replaced = resolveThresholds(['mismatchRate.high<0.05', 'counts.error<10', 'counts.wrong_user==0']);
    expect(replaced.filter((threshold) => threshold.origin === 'default')).toEqual([]);
  });

  it('shows each threshold with its origin, and the reason of each default, for --dry-run', () => {
    const text = formatThresholdPlan(resolveThresholds(['affinity>0.8']));
    expect(text).toContain('--no-default-thresholds drops the defaults');
    expect(text).toMatch(/affinity>0\.8 +\(profile\)/);
    expect(text).toMatch(/mismatches==0 +\(default: a logged-in user lost the session\)/);
    expect(text).toMatch(/errorRate\.outsideChaos<=1% +\(default: errors .* outside the impact windows/);
    expect(formatThresholdPlan([])).toContain('thresholds: none');
  });

  it('drops the default with defaults: false (--no-default-thresholds)', () => {
    expect(resolveThresholds([], { defaults: false })).toEqual([]);
  });

  it('refuses bad --fail-on expressions with a usage error naming each', () => {
    const attempt = () => resolveThresholds([], { failOn: ['mismatchrate<0.1', 'latency.p99<1%'] });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(
      /--fail-on "mismatchrate<0.1": unknown metric "mismatchrate" \(did you mean "mismatchRate"\?\)[^\n]*\n--fail-on "latency.p99<1%": latency.p99 takes a duration/,
    );
  });
});

describe('thresholds in a profile', () => {
  it('are checked when the profile is validated, with the field named (exit 2 before any run)', () => {
    const text = `${minimalProfile}thresholds:\n  - loadSkw<1.5\n  - expression: latency.p99<2%\n    abortOnFail: true\n  - mismatchRate<0.01\n`;
    const attempt = () => resolvePlan('p.yaml', text, { env: {} });
    expect(attempt).toThrow(ProfileError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ProfileError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]?.path).toBe('thresholds[0]');
      expect(problems[0]?.message).toMatch(/^unknown metric "loadSkw" \(did you mean "loadSkew"\?\)/);
      expect(problems[1]).toEqual({
        path: 'thresholds[1].expression',
        message:
          'latency.p99 takes a duration such as 500ms or 1.5s (a bare number is milliseconds), got "2%"',
      });
      expect((error as ProfileError).exitCode).toBe(2);
    }
  });

  it('accept both forms', () => {
    const text = `${minimalProfile}thresholds:\n  - loadSkew<1.5\n  - expression: latency.p99<2s\n    abortOnFail: true\n`;
    expect(resolvePlan('p.yaml', text, { env: {} }).profile.thresholds).toEqual([
      'loadSkew<1.5',
      { expression: 'latency.p99<2s', abortOnFail: true },
    ]);
  });
});

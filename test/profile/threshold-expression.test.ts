import { describe, expect, it } from 'vitest';
import { compare, parseThreshold } from '../../src/profile/threshold-expression.js';

describe('parseThreshold', () => {
  it.each([
    ['mismatchRate<0.01', 'mismatchRate', '<', 0.01],
    ['wrongUser==0', 'wrongUser', '==', 0],
    ['loadSkew<1.5', 'loadSkew', '<', 1.5],
    ['relogins.total<=10', 'relogins.total', '<=', 10],
    ['throughput.perSecond>=100', 'throughput.perSecond', '>=', 100],
    ['affinity>0.9', 'affinity', '>', 0.9],
    ['counts.error!=5', 'counts.error', '!=', 5],
  ])('%s', (text, metric, op, value) => {
    expect(parseThreshold(text)).toEqual({
      ok: true,
      value: { expression: text.trim(), metric, op, value, abortOnFail: false },
    });
  });

  it.each([
    ['mismatchRate <= 1%', 0.01],
    ['errorRate<2.5%', 0.025],
    ['latency.p99<500ms', 500],
    ['latency.p99<1.5s', 1500],
    ['latency.max<250', 250],
  ])('reads the unit of %s: a ratio, or milliseconds', (text, value) => {
    expect(parseThreshold(text)).toMatchObject({ ok: true, value: { expression: text.trim(), value } });
  });

  it('keeps abortOnFail', () => {
    const parsed = parseThreshold('mismatchRate<0.05', true);
    expect(parsed.ok && parsed.value.abortOnFail).toBe(true);
  });

  it('names an unknown metric, suggests the closest and lists the known ones', () => {
    const parsed = parseThreshold('mismatchRat<0.01');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toMatch(
      /^unknown metric "mismatchRat" \(did you mean "mismatchRate"\?\); known metrics: /,
    );
    expect(parsed.message).toContain('latency.p99');
    expect(parsed.message).toContain('relogins.total');
  });

  it.each([
    [
      'latency.p99<5%',
      'latency.p99 takes a duration such as 500ms or 1.5s (a bare number is milliseconds), got "5%"',
    ],
    ['mismatchRate<500ms', 'mismatchRate takes a ratio such as 0.01 or 1%, got "500ms"'],
    ['wrongUser<0.5', 'wrongUser takes a whole number, got "0.5"'],
    ['loadSkew<abc', 'loadSkew takes a number such as 1.5, got "abc"'],
  ])('refuses a value in the wrong unit: %s', (text, message) => {
    expect(parseThreshold(text)).toEqual({ ok: false, message });
  });

  it.each(['mismatchRate', 'mismatchRate=0.1', '<0.1', 'mismatch Rate<0.1', ''])(
    'refuses the malformed %j',
    (text) => {
      const parsed = parseThreshold(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/^expected "metric<op>value"/);
    },
  );
});

describe('compare', () => {
  it.each([
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '>', 2, true],
    [2, '>=', 2, true],
    [2, '==', 2, true],
    [2, '!=', 2, false],
  ] as const)('%d %s %d is %s', (actual, op, expected, result) => {
    expect(compare(actual, op, expected)).toBe(result);
  });
});

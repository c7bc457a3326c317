import { describe, expect, it } from 'vitest';
import { formatSpread, median, pairedRatio, parseWrk, rateOf, slope, spread } from '../../bench/stats.js';

describe('bench stats', () => {
  it('slope: the least-squares growth of a series, NaN without two distinct points', () => {
    const points = (...xy: Array<[number, number]>) => xy.map(([x, y]) => ({ x, y }));
    expect(slope(points([0, 100], [1, 101], [2, 102]))).toBeCloseTo(1);
    expect(slope(points([0, 5], [1, 5]))).toBe(0);
    expect(slope(points([1, 5]))).toBeNaN();
    expect(slope(points([1, 5], [1, 6]))).toBeNaN();
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('formats a median with its range', () => {
    expect(formatSpread(spread([20_812, 21_340, 20_101]))).toBe('20,812 (20,101-21,340)');
    expect(formatSpread(spread([9.25, 9]), 1)).toBe('9.1 (9.0-9.3)');
  });

  it("reads wrk's summary, errors and non-2xx answers included", () => {
    const output = [
      'Running 10s test @ http://127.0.0.1:8080/me',
      '  1 threads and 50 connections',
      '  313012 requests in 10.00s, 60.01MB read',
      '  Socket errors: connect 0, read 2, write 0, timeout 1',
      '  Non-2xx or 3xx responses: 4',
      'Requests/sec:  31298.12',
    ].join('\n');
    expect(parseWrk(output)).toEqual({ requests: 313_012, durationMs: 10_000, bad: 7 });
    expect(() => parseWrk('nothing here')).toThrow(/cannot read wrk/);
  });

  it('takes the rate of several turns together, not the mean of their rates', () => {
    expect(
      rateOf([
        { requests: 1000, ms: 1000 },
        { requests: 3000, ms: 1000 },
      ]),
    ).toBe(2000);
    expect(
      rateOf([
        { requests: 1000, ms: 500 },
        { requests: 1000, ms: 1500 },
      ]),
    ).toBe(1000);
  });

  it('puts the paired ratio inside its interval, and the interval around a steady ratio tight', () => {
    // The machine's speed moves between pairs by up to 30%; ours is 2% faster within every pair, +-0.5%.
    const pairs = Array.from({ length: 30 }, (_, index) => {
      const machine = 20_000 + ((index * 7919) % 6000);
      const wobble = 1 + (((index * 31) % 11) - 5) / 1000;
      return {
        ours: { requests: machine * 1.02 * wobble * 2, ms: 2000 },
        theirs: { requests: machine * 2, ms: 2000 },
      };
    });
    const estimate = pairedRatio([pairs]);
    expect(estimate.ratio).toBeCloseTo(1.02, 2);
    expect(estimate.low).toBeLessThanOrEqual(estimate.ratio);
    expect(estimate.high).toBeGreaterThanOrEqual(estimate.ratio);
    expect(estimate.low).toBeGreaterThan(1.01);
    expect(estimate.high).toBeLessThan(1.03);
    expect(pairedRatio([pairs])).toEqual(estimate);
  });

  it('widens the interval when the pairs disagree', () => {
    const pairs = [0.9, 1.1, 0.95, 1.05, 1.0, 0.92, 1.08].map((ratio) => ({
      ours: { requests: 20_000 * ratio, ms: 1000 },
      theirs: { requests: 20_000, ms: 1000 },
    }));
    const { low, high } = pairedRatio([pairs]);
    expect(low).toBeLessThan(1);
    expect(high).toBeGreaterThan(1);
  });

  it('widens the interval when blocks of processes disagree, however tight each block is', () => {
    const block = (ratio: number) =>
      Array.from({ length: 10 }, () => ({
        ours: { requests: 20_000 * ratio, ms: 1000 },
        theirs: { requests: 20_000, ms: 1000 },
      }));
    const tight = pairedRatio([block(1.02)]);
    expect(tight.high - tight.low).toBeLessThan(0.001);
    const apart = pairedRatio([block(0.99), block(1.02), block(1.05)]);
    expect(apart.ratio).toBeCloseTo(1.02, 3);
    expect(apart.low).toBeLessThan(1.0);
    expect(apart.high).toBeGreaterThan(1.04);
  });
});

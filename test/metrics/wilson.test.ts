import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/metrics/wilson.js';

// Reference values: statsmodels proportion_confint(method="wilson"), alpha 0.05.
describe('wilsonInterval', () => {
  it.each([
    [0, 10, 0, 0.2775328],
    [5, 10, 0.2365931, 0.7634069],
    [10, 100, 0.0552291, 0.1743657],
    [1, 1, 0.2065493, 1],
    [10, 10, 0.7224672, 1],
  ])('%i of %i', (successes, trials, low, high) => {
    const interval = wilsonInterval(successes, trials);
    expect(interval?.low).toBeCloseTo(low, 6);
    expect(interval?.high).toBeCloseTo(high, 6);
  });

  it('is exactly 0 or 1 at the edges, not a rounding error away', () => {
    expect(wilsonInterval(0, 1800)?.low).toBe(0);
    expect(wilsonInterval(1800, 1800)?.high).toBe(1);
  });

  it('is undefined without trials', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/util/clock.js';
import { retryUntil, type Sleep } from '../../src/util/retry.js';

describe('retryUntil', () => {
  const setup = () => {
    const clock = manualClock(0);
    const slept: number[] = [];
    const sleep: Sleep = async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    };
    return { clock, sleep, slept };
  };

  it('returns the first defined value, polling at the interval', async () => {
    const { clock, sleep, slept } = setup();
    let calls = 0;
    const value = await retryUntil(async () => (++calls === 3 ? 'up' : undefined), {
      clock,
      sleep,
      timeoutMs: 1000,
      intervalMs: 100,
    });
    expect(value).toBe('up');
    expect(slept).toEqual([100, 100]);
  });

  it('gives up with undefined at the timeout, never sleeping past it', async () => {
    const { clock, sleep, slept } = setup();
    const value = await retryUntil(async () => undefined, { clock, sleep, timeoutMs: 250, intervalMs: 100 });
    expect(value).toBeUndefined();
    expect(slept).toEqual([100, 100, 50]);
    expect(clock.now()).toBe(250);
  });

  it('lets an error from the check through', async () => {
    const { clock, sleep } = setup();
    await expect(
      retryUntil(
        async () => {
          throw new Error('inspect failed');
        },
        { clock, sleep, timeoutMs: 100, intervalMs: 10 },
      ),
    ).rejects.toThrow('inspect failed');
  });
});

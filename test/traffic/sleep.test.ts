import { describe, expect, it } from 'vitest';
import { realSleep } from '../../src/traffic/sleep.js';

describe('realSleep', () => {
  it('waits, and wakes every sleeper at once when the signal aborts', async () => {
    const started = performance.now();
    await realSleep(30, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    const stop = new AbortController();
    const sleepers = Array.from({ length: 1000 }, () => realSleep(60_000, stop.signal));
    setTimeout(() => stop.abort(), 10);
    await Promise.all(sleepers);
    expect(performance.now() - started).toBeLessThan(5_000);
    await realSleep(60_000, stop.signal);
  });
});

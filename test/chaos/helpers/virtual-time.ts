import { type ManualClock, manualClock } from '../../../src/util/clock.js';
import type { Sleep } from '../../../src/util/retry.js';

/**
 * A manual clock with a sleep that advances it: whenever every pending promise has settled (setImmediate), the
 * earliest sleeper wakes and the clock jumps to its time. Tests run schedules of minutes in milliseconds.
 */
export interface VirtualTime {
  clock: ManualClock;
  sleep: Sleep;
  /** Time stops here: sleepers due later stay asleep (until aborted), as if the run were interrupted then. */
  freezeAt(ms: number): void;
}

export function virtualTime(): VirtualTime {
  const clock = manualClock(0);
  const sleepers: Array<{ at: number; wake: () => void }> = [];
  let ticking = false;
  let frozenAt = Number.POSITIVE_INFINITY;

  function tick(): void {
    ticking = false;
    sleepers.sort((a, b) => a.at - b.at);
    if ((sleepers[0]?.at ?? 0) > frozenAt) return;
    const next = sleepers.shift();
    if (next === undefined) return;
    if (next.at > clock.now()) clock.set(next.at);
    next.wake();
    schedule();
  }

  function schedule(): void {
    if (ticking || sleepers.length === 0) return;
    ticking = true;
    setImmediate(tick);
  }

  const sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper = {
        at: clock.now() + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = sleepers.indexOf(sleeper);
        if (index !== -1) sleepers.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      sleepers.push(sleeper);
      schedule();
    });

  return {
    clock,
    sleep,
    freezeAt: (ms) => {
      frozenAt = ms;
    },
  };
}

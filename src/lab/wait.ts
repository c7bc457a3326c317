import { setTimeout as sleepMs } from 'node:timers/promises';
import { LabError } from '../errors.js';
import { type Clock, systemClock } from '../util/clock.js';

export interface WaitOptions {
  /** What is awaited, for the error message: "backend b1 to answer /healthz". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Polls `check` until it returns true, or fails with a LabError after the timeout. `check` may throw to give
 * up at once (a process that died will not come up by waiting).
 */
export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? sleepMs;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (clock.now() >= deadline) {
      throw new LabError(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

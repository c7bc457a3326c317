import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from './clock.js';

/** Waits that long (or until the signal aborts, rejecting then). Injected next to a Clock so tests drive time. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
};

export interface RetryOptions {
  clock: Clock;
  sleep: Sleep;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Calls `check` until it returns a value other than undefined, or until timeoutMs has passed on the clock
 * (testcontainers' retryUntil). Resolves with the value, or undefined on timeout; errors from `check` propagate.
 */
export async function retryUntil<T>(
  check: () => Promise<T | undefined>,
  options: RetryOptions,
): Promise<T | undefined> {
  const deadline = options.clock.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const left = deadline - options.clock.now();
    if (left <= 0) return undefined;
    await options.sleep(Math.min(options.intervalMs, left), options.signal);
  }
}

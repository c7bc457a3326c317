import { setTimeout as delay } from 'node:timers/promises';

/** Waits ms, or less when the signal aborts; never rejects. Injected so tests can drive waits. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  if (ms <= 0 || signal.aborted) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
};

/** Milliseconds on a monotonic clock. Injected everywhere time is read, so tests can drive time by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function manualClock(startMs = 0): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

/** Waits ms, or less when the signal aborts; never rejects. Injected so tests can drive waits. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The wake-ups of the sleepers on each signal: one abort listener per signal, not one per sleep. */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

function sleepersOf(signal: AbortSignal): Set<() => void> {
  let set = sleepers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const wake of created) wake();
      },
      { once: true },
    );
    sleepers.set(signal, created);
    set = created;
  }
  return set;
}

export const realSleep: Sleep = (ms, signal) => {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  const set = sleepersOf(signal);
  return new Promise((resolve) => {
    const wake = (): void => {
      clearTimeout(timer);
      set.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    set.add(wake);
  });
};

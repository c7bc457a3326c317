const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface Interrupts {
  /** Aborted by the first SIGINT or SIGTERM, with the reason "interrupted by SIGINT": the run stops. */
  signal: AbortSignal;
  /**
   * Aborted by the second: the run stops waiting for its cleanup (the chaos rollback), writes its reports
   * naming what was left down, and the process exits.
   */
  hurry: AbortSignal;
  /** Stops listening. */
  dispose(): void;
}

export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Takes SIGINT and SIGTERM over for the length of a run: the process no longer dies on them; the first
 * stops the run, the second cuts its cleanup short. Either way the reports are still written.
 */
export function listenForInterrupts(source: SignalSource = process): Interrupts {
  const first = new AbortController();
  const second = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (!first.signal.aborted) first.abort(`interrupted by ${signal}`);
    else second.abort(`${signal} again`);
  };
  for (const signal of signals) source.on(signal, handler);
  return {
    signal: first.signal,
    hurry: second.signal,
    dispose: () => {
      for (const signal of signals) source.off(signal, handler);
    },
  };
}

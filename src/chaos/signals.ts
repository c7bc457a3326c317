import type { ChaosRunner } from './runner.js';

export interface SignalHookOptions {
  /**
   * Called once the rollback after SIGINT or SIGTERM is over: the run pipeline stops its traffic and ends
   * with exit code 130 there. Default: exit 130 at once.
   */
  onSignal?: (signal: NodeJS.Signals) => void;
  /**
   * A second signal during the rollback: called instead of exiting at once, when the caller writes its reports
   * and names what was left down itself.
   */
  onSecondSignal?: (signal: NodeJS.Signals) => void;
  /** Where warnings go; default stderr. */
  warn?: (text: string) => void;
}

const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Rolls chaos back on SIGINT or SIGTERM before anything else happens, then hands over to `onSignal`. A second
 * signal during the rollback exits at once, naming the targets left down. Returns the uninstaller.
 */
export function installChaosSignalHook(runner: ChaosRunner, options: SignalHookOptions = {}): () => void {
  const warn = options.warn ?? ((text: string) => process.stderr.write(`${text}\n`));
  const onSignal = options.onSignal ?? (() => process.exit(130));
  let rollingBack = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (rollingBack && options.onSecondSignal !== undefined) {
      options.onSecondSignal(signal);
      return;
    }
    if (rollingBack) {
      const left = runner.pending().map((down) => down.target.name);
      if (left.length > 0) {
        warn(
          `session-chaos: ${signal} again; left down: ${left.join(', ')}; bring them back with: session-chaos recover`,
        );
      }
      process.exit(130);
    }
    rollingBack = true;
    const left = runner.pending().length;
    if (left > 0) warn(`session-chaos: ${signal}: restoring ${left} target(s) chaos took down`);
    void runner
      .rollback()
      .catch((error: unknown) => warn(`session-chaos: chaos rollback failed: ${String(error)}`))
      .finally(() => onSignal(signal));
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}

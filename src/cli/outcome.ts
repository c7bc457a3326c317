import { ExitCode } from '../errors.js';

/** What a command decided the process should exit with, when it ends without an error. */
export interface Outcome {
  exitCode: ExitCode;
  /** Exit as soon as the command returns, not when the event loop drains (a second Ctrl-C was pressed). */
  exitAtOnce?: boolean;
}

export function newOutcome(): Outcome {
  return { exitCode: ExitCode.passed };
}

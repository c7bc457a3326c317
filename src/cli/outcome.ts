import { ExitCode } from '../errors.js';

/** What a command decided the process should exit with, when it ends without an error. */
export interface Outcome {
  exitCode: ExitCode;
}

export function newOutcome(): Outcome {
  return { exitCode: ExitCode.passed };
}

import { CommanderError } from 'commander';
import { describeFatal, ExitCode } from '../errors.js';
import { newOutcome, type Outcome } from './outcome.js';
import { ignoreClosedPipes } from './pipes.js';
import { buildProgram } from './program.js';

/** Runs the CLI and returns the exit code; the only place that turns errors into exit codes and messages. */
export async function main(argv: readonly string[], outcome: Outcome = newOutcome()): Promise<number> {
  ignoreClosedPipes([process.stdout, process.stderr]);
  const program = buildProgram(outcome);
  try {
    await program.parseAsync(argv);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.usage;
    }
    const { text, exitCode } = describeFatal(error);
    process.stderr.write(`${text}\n`);
    return exitCode;
  }
}

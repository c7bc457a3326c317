import { Command } from 'commander';
import { exitCodeMeanings } from '../errors.js';
import { toolVersion } from '../version.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { labCommand } from './commands/lab.js';
import { matrixCommand } from './commands/matrix.js';
import { recoverCommand } from './commands/recover.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { validateCommand } from './commands/validate.js';
import type { Outcome } from './outcome.js';

export function buildProgram(outcome: Outcome): Command {
  const program = new Command('session-chaos')
    .description(
      'Measure what a load balancer and session design do to logged-in users: session mismatches, ' +
        'stickiness skew and re-logins, under load and while backends are restarted.',
    )
    .version(toolVersion, '-V, --version', 'the version')
    .helpOption('-h, --help', 'usage, with an example for every command')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ session-chaos demo\n  $ session-chaos validate profiles/*.yaml\n  $ session-chaos run --profile profiles/example.yaml --users 50 --duration 30s\n\n' +
        `Exit codes: ${Object.entries(exitCodeMeanings)
          .map(([code, { short }]) => `${code} ${short}`)
          .join(', ')}.`,
    );
  program.addCommand(runCommand(outcome));
  program.addCommand(validateCommand(outcome));
  program.addCommand(labCommand());
  program.addCommand(reportCommand(outcome));
  program.addCommand(compareCommand(outcome));
  program.addCommand(matrixCommand(outcome));
  program.addCommand(demoCommand(outcome));
  program.addCommand(recoverCommand(outcome));
  program.commands.forEach((command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)');
  });
  return program.exitOverride();
}

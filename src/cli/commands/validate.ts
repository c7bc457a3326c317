import { Command } from 'commander';
import { ExitCode, SessionChaosError } from '../../errors.js';
import { loadPlan } from '../../profile/load.js';
import type { Outcome } from '../outcome.js';

export function validateCommand(outcome: Outcome): Command {
  return new Command('validate')
    .summary('check profiles against the schema and the environment they read')
    .description(
      'Check profiles against the schema (and the environment they read) without running anything.',
    )
    .argument('<profile...>', 'YAML or JSON profiles')
    .addHelpText('after', '\nExample:\n  $ LAB_PASSWORD=secret session-chaos validate profiles/*.yaml')
    .action(async (paths: string[]) => {
      let failed = 0;
      for (const path of paths) {
        try {
          await loadPlan(path);
          process.stdout.write(`ok      ${path}\n`);
        } catch (error) {
          if (!(error instanceof SessionChaosError)) throw error;
          failed++;
          process.stdout.write(`invalid ${error.message}\n`);
        }
      }
      if (failed > 0) {
        process.stderr.write(`session-chaos: ${failed} of ${paths.length} profiles are invalid\n`);
        outcome.exitCode = ExitCode.usage;
      }
    });
}

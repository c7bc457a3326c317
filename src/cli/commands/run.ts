import { Command, Option } from 'commander';
import { UsageError } from '../../errors.js';
import { loadPlan } from '../../profile/load.js';
import { type OverrideValues, overrides } from '../../profile/overrides.js';
import { redact } from '../../util/redact.js';
import type { Outcome } from '../outcome.js';

interface RunOptions extends OverrideValues {
  profile: string;
  dryRun?: boolean;
}

export function runCommand(_outcome: Outcome): Command {
  const command = new Command('run')
    .description('Log in the virtual users, send traffic through the balancer, apply chaos, and report.')
    .requiredOption('-p, --profile <file>', 'the profile (YAML or JSON)')
    .option('--dry-run', 'print the resolved plan and act on nothing');
  for (const override of overrides) {
    command.addOption(new Option(override.flag, `${override.description} [env: ${override.env}]`));
  }
  return command
    .addHelpText(
      'after',
      '\nPrecedence: defaults < profile < environment variables < flags.\n\nExample:\n  $ LAB_PASSWORD=secret session-chaos run --profile profiles/example.yaml --users 50 --duration 30s --json result.json',
    )
    .action(async (options: RunOptions) => {
      const { profile: path, dryRun, ...flags } = options;
      const plan = await loadPlan(path, { flags });
      if (dryRun) {
        process.stdout.write(`${redact(JSON.stringify(plan.profile, null, 2), plan.secrets)}\n`);
        return;
      }
      throw new UsageError('the traffic engine is not built yet; only --dry-run works in this version');
    });
}

import { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { compareResults, parseRegressionRules, renderComparison } from '../../report/compare.js';
import { readResult } from '../../report/read-result.js';
import { wantsColor } from '../../report/style.js';
import type { Outcome } from '../outcome.js';

export function compareCommand(outcome: Outcome): Command {
  return new Command('compare')
    .summary("each metric's change between two results; exit 1 on a regression beyond its tolerance")
    .description('Show how every metric changed between two saved results; optionally fail on a regression.')
    .argument('<before>', 'the baseline result (session-chaos run --json)')
    .argument('<after>', 'the result to judge')
    .option(
      '--fail-on-regression <metric:tolerance...>',
      'exit 1 when the metric got worse by more than the tolerance, e.g. mismatchRate:0.01 latency.p99:50ms',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ session-chaos compare baseline.json result.json --fail-on-regression mismatchRate:0.5% loadSkew:0.2',
    )
    .action(async (beforePath: string, afterPath: string, options: { failOnRegression?: string[] }) => {
      const rules = parseRegressionRules(options.failOnRegression ?? []);
      const [before, after] = await Promise.all([readResult(beforePath), readResult(afterPath)]);
      const changes = compareResults(before, after, rules);
      process.stdout.write(
        renderComparison({ before: beforePath, after: afterPath }, changes, {
          color: wantsColor(process.stdout, process.env),
        }),
      );
      if (changes.some((change) => change.regression !== undefined))
        outcome.exitCode = ExitCode.thresholdsFailed;
    });
}

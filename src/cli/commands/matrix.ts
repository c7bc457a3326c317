import { Command } from 'commander';
import { presentMatrix } from '../../matrix/present.js';
import type { Outcome } from '../outcome.js';

interface MatrixOptions {
  target?: string;
  users?: string;
  duration?: string;
  seed?: string;
  json?: string;
  html?: string;
}

export function matrixCommand(outcome: Outcome): Command {
  return new Command('matrix')
    .summary(
      'run profiles one after another (each on the lab its `lab:` section names) and print one comparison table; exit code of the worst',
    )
    .description(
      'Run several profiles one after another (each on the lab its lab: section describes, started and ' +
        'stopped here) and print one comparison table.',
    )
    .argument('<profiles...>', 'profiles (YAML or JSON), e.g. profiles/*.yaml')
    .option('--target <url>', 'run every profile against this balancer instead of starting its lab')
    .option('--users <n>', 'virtual users, for every profile')
    .option('--duration <duration>', 'traffic phase length, for every profile')
    .option('--seed <n>', 'random seed, for every profile')
    .option('--json <file>', 'write the whole matrix (every run’s result document) as JSON; - for stdout')
    .option(
      '--html <file>',
      'write one self-contained HTML report: every strategy’s charts on the same scales',
    )
    .addHelpText(
      'after',
      '\nExample:\n  $ session-chaos matrix profiles/sticky-cookie.yaml profiles/jwt.yaml --json matrix.json',
    )
    .action(async (profiles: string[], options: MatrixOptions) => {
      const { target, json, html, ...flags } = options;
      outcome.exitCode = await presentMatrix(profiles, {
        ...(target === undefined ? {} : { target }),
        ...(json === undefined ? {} : { json }),
        ...(html === undefined ? {} : { html }),
        flags,
      });
    });
}

import { Command, Option } from 'commander';
import { type DemoOptions, runDemo } from '../../demo/demo.js';
import type { Outcome } from '../outcome.js';

export function demoCommand(outcome: Outcome): Command {
  return new Command('demo')
    .summary(
      "the strategy comparison on a local lab, each scenario with the seed's claim it checks, in under two minutes; `--all` adds the slow scenarios",
    )
    .description(
      'Start a local lab with what this machine has and compare every session strategy (round robin, sticky ' +
        'cookie, sticky IP, clustering, Redis, JWT, services behind a gateway) in one table, each with the ' +
        "seed's claim it checks, in under two minutes (--all: the slow scenarios too); cleans up after itself.",
    )
    .option('--json <file>', 'also write the whole matrix as JSON; - for stdout')
    .option(
      '--html <file>',
      'the HTML report (default: beside the --json file, else session-chaos-demo.html here; its path is printed)',
    )
    .option('--no-html', 'write no HTML report')
    .addOption(
      new Option(
        '--runtime <runtime>',
        'backends as processes even when Docker answers (chaos through signals then)',
      ).choices(['docker', 'process']),
    )
    .option('--builtin-balancer', 'use the built-in balancer even when HAProxy and nginx are installed')
    .option('--all', 'also the slow scenarios (longer than two minutes in all)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ session-chaos demo\n  $ session-chaos demo --runtime process --json demo.json\n  $ session-chaos demo --all',
    )
    .action(async (options: DemoOptions) => {
      outcome.exitCode = await runDemo(options);
    });
}

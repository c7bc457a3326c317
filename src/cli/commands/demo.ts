import { Command, Option } from 'commander';
import { type DemoOptions, runDemo } from '../../demo/demo.js';
import type { Outcome } from '../outcome.js';

export function demoCommand(outcome: Outcome): Command {
  return new Command('demo')
    .description(
      'Start a local lab with what this machine has and compare every session strategy (round robin, sticky ' +
        'cookie, sticky IP, clustering, Redis, JWT) in one table, in under two minutes; cleans up after itself.',
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
    .addHelpText(
      'after',
      '\nExamples:\n  $ session-chaos demo\n  $ session-chaos demo --runtime process --json demo.json',
    )
    .action(async (options: DemoOptions) => {
      outcome.exitCode = await runDemo(options);
    });
}

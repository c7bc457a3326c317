import { Command, Option } from 'commander';
import { type FormatName, findFormat, formatNames, reportFormats } from '../../report/formats.js';
import { readResult } from '../../report/read-result.js';
import { wantsColor } from '../../report/style.js';
import type { Outcome } from '../outcome.js';

export function reportCommand(_outcome: Outcome): Command {
  return new Command('report')
    .summary('render a saved result (`run --json`) again')
    .description(
      `Render a saved result (session-chaos run --json) again: ${reportFormats
        .map((format) => `${format.name} (${format.description})`)
        .join(', ')}.`,
    )
    .argument('<result>', 'a result file written by session-chaos run --json')
    .addOption(new Option('-f, --format <format>', 'what to print').choices(formatNames).default('table'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ session-chaos report result.json --format markdown >> "$GITHUB_STEP_SUMMARY"\n  $ session-chaos report result.json --format html > report.html',
    )
    .action(async (path: string, options: { format: FormatName }) => {
      const result = await readResult(path);
      const color = wantsColor(process.stdout, process.env);
      process.stdout.write(findFormat(options.format).render(result, { color }));
    });
}

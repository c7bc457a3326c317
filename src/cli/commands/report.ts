import { Command, Option } from 'commander';
import { renderJunit } from '../../report/junit.js';
import { renderMarkdown } from '../../report/markdown.js';
import { readResult } from '../../report/read-result.js';
import { wantsColor } from '../../report/style.js';
import { renderSummaryTable } from '../../report/table.js';
import type { Outcome } from '../outcome.js';

const formats = ['table', 'markdown', 'junit'] as const;
type Format = (typeof formats)[number];

export function reportCommand(_outcome: Outcome): Command {
  return new Command('report')
    .description(
      'Render a saved result (session-chaos run --json) again: as the terminal table, Markdown or JUnit.',
    )
    .argument('<result>', 'a result file written by session-chaos run --json')
    .addOption(new Option('-f, --format <format>', 'what to print').choices(formats).default('table'))
    .addHelpText(
      'after',
      '\nExample:\n  $ session-chaos report result.json --format markdown >> "$GITHUB_STEP_SUMMARY"',
    )
    .action(async (path: string, options: { format: Format }) => {
      const result = await readResult(path);
      const text =
        options.format === 'markdown'
          ? renderMarkdown(result)
          : options.format === 'junit'
            ? renderJunit(result)
            : renderSummaryTable(result, { color: wantsColor(process.stdout, process.env) });
      process.stdout.write(text);
    });
}

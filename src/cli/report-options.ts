import { type Command, Option } from 'commander';
import { defaultThresholds, type ThresholdSettings } from '../thresholds/resolve.js';

/** The run command's flags for thresholds and progress; `--json`, `--junit`, `--markdown` are profile overrides. */
export interface ReportFlags {
  failOn?: string[];
  /** false with --no-default-thresholds. */
  defaultThresholds?: boolean;
  quiet?: boolean;
}

export function addReportOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--fail-on <expression...>',
        'extra thresholds, e.g. "mismatchRate<0.01" "latency.p99<500ms"; any failure exits 1',
      ),
    )
    .addOption(
      new Option(
        '--no-default-thresholds',
        `drop the default verdict's thresholds (${defaultThresholds.map((entry) => entry.expression).join(', ')})`,
      ),
    )
    .addOption(new Option('-q, --quiet', 'no live progress on stderr'));
}

export function thresholdSettings(flags: ReportFlags): ThresholdSettings {
  return { failOn: flags.failOn ?? [], defaults: flags.defaultThresholds !== false };
}

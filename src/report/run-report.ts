import type { ChaosJournal } from '../chaos/journal.js';
import type { Summary } from '../metrics/summary.js';
import type { Plan } from '../profile/load.js';
import type { ResolvedThreshold } from '../thresholds/resolve.js';
import { journalEntries } from './journal.js';
import { writeReports } from './outputs.js';
import { buildResult, type EarlyEnd, type EngineFacts, type RunResult } from './result.js';
import { wantsColor } from './style.js';
import { renderSummaryTable } from './table.js';
import { stdoutPath } from './write.js';

export interface RunReportInput {
  plan: Plan;
  summary: Summary;
  engine?: EngineFacts;
  thresholds: readonly ResolvedThreshold[];
  journal?: ChaosJournal;
  startedAt: Date;
  endedAt: Date;
  earlyEnd?: EarlyEnd;
}

export interface RunReportContext {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * The end of a run: judges it, prints the summary table, writes the files the profile and flags asked for.
 * The table goes to stdout, or to stderr when stdout carries the JSON (`--json -`). The caller exits with
 * `result.verdict.exitCode`.
 */
export async function reportRun(input: RunReportInput, context: RunReportContext): Promise<RunResult> {
  const result = buildResult({
    plan: input.plan,
    summary: input.summary,
    ...(input.engine === undefined ? {} : { engine: input.engine }),
    thresholds: input.thresholds,
    journal: input.journal === undefined ? [] : journalEntries(input.journal),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    ...(input.earlyEnd === undefined ? {} : { earlyEnd: input.earlyEnd }),
  });
  const tableStream = input.plan.profile.outputs.json === stdoutPath ? context.stderr : context.stdout;
  tableStream.write(renderSummaryTable(result, { color: wantsColor(tableStream, context.env) }));
  await writeReports(result, input.plan.profile.outputs, context);
  return result;
}

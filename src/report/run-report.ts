import type { Outputs } from '../profile/schema/outputs.js';
import { writeReports } from './outputs.js';
import type { RunResult } from './result.js';
import { wantsColor } from './style.js';
import { renderSummaryTable } from './table.js';
import { stdoutPath } from './write.js';

export interface RunReportContext {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * The end of a run, outside the pipeline: prints the summary table of its result document, writes the files
 * the profile and flags asked for. The table goes to stdout, or to stderr when stdout carries the JSON
 * (`--json -`). The caller exits with `result.verdict.exitCode`.
 */
export async function reportRun(
  result: RunResult,
  outputs: Outputs,
  context: RunReportContext,
): Promise<void> {
  const tableStream = outputs.json === stdoutPath ? context.stderr : context.stdout;
  tableStream.write(renderSummaryTable(result, { color: wantsColor(tableStream, context.env) }));
  await writeReports(result, outputs, context);
}

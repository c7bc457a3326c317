import type { Outputs } from '../profile/schema/outputs.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { appendOutput, type OutputStreams, writeOutput } from './write.js';

export function serializeResult(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** `--json FILE` (or `-` for stdout), written atomically. */
export async function writeJsonResult(
  path: string,
  result: RunResult,
  streams: OutputStreams,
): Promise<void> {
  await writeOutput(path, serializeResult(result), streams);
}

export interface ReportContext extends OutputStreams {
  env: NodeJS.ProcessEnv;
}

/**
 * Writes every report file the profile and flags asked for: JSON, JUnit, Markdown; the Markdown is also
 * appended to `$GITHUB_STEP_SUMMARY` when that is set, so a GitHub Actions job page shows the run.
 */
export async function writeReports(
  result: RunResult,
  outputs: Outputs,
  context: ReportContext,
): Promise<void> {
  if (outputs.json !== undefined) await writeJsonResult(outputs.json, result, context);
  if (outputs.junit !== undefined) await writeOutput(outputs.junit, renderJunit(result), context);
  const stepSummary = context.env.GITHUB_STEP_SUMMARY;
  if (outputs.markdown === undefined && (stepSummary === undefined || stepSummary === '')) return;
  const markdown = renderMarkdown(result);
  if (outputs.markdown !== undefined) await writeOutput(outputs.markdown, markdown, context);
  if (stepSummary !== undefined && stepSummary !== '') await appendOutput(stepSummary, markdown);
}

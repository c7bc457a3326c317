import { OutputWriteError, type Problem } from '../errors.js';
import type { Outputs } from '../profile/schema/outputs.js';
import { fileFormats, serializeResult } from './formats.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { appendOutput, type OutputStreams, writeOutput } from './write.js';

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

export function describeWriteError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : error instanceof Error
            ? error.message
            : String(error);
  return `cannot write ${path}: ${reason}`;
}

/**
 * Writes every report file the profile and flags asked for, one per format of the registry; the Markdown is
 * also appended to `$GITHUB_STEP_SUMMARY` when that is set, so a GitHub Actions job page shows the run. A
 * file that cannot be written does not keep the others from being written: the failures are thrown together
 * at the end (exit 4, naming each file).
 */
export async function writeReports(
  result: RunResult,
  outputs: Outputs,
  context: ReportContext,
): Promise<void> {
  const failures: Problem[] = [];
  const attempt = async (field: string, path: string, write: () => Promise<void>): Promise<void> => {
    try {
      await write();
    } catch (error) {
      failures.push({ path: field, message: describeWriteError(path, error) });
    }
  };
  for (const format of fileFormats) {
    const path = outputs[format.output.field];
    if (path === undefined) continue;
    await attempt(`outputs.${format.output.field}`, path, () =>
      writeOutput(path, format.render(result, { color: false }), context),
    );
  }
  const stepSummary = context.env.GITHUB_STEP_SUMMARY;
  if (stepSummary !== undefined && stepSummary !== '') {
    await attempt('GITHUB_STEP_SUMMARY', stepSummary, () =>
      appendOutput(stepSummary, renderMarkdown(result)),
    );
  }
  if (failures.length > 0) throw new OutputWriteError(failures);
}

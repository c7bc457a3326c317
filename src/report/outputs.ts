import { OutputWriteError, type Problem } from '../errors.js';
import type { Outputs } from '../profile/schema/outputs.js';
import { fileFormats } from './formats.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { appendOutput, type OutputStreams, writeOutput } from './write.js';

export interface ReportContext extends OutputStreams {
  env: NodeJS.ProcessEnv;
}

function describeWriteError(path: string, error: unknown): string {
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

/** A file to write: the field (or flag) that named it, for the message when it cannot be written. */
export interface OutputFile {
  field: string;
  path: string;
  render: () => string;
  /** Appended to rather than replaced ($GITHUB_STEP_SUMMARY). */
  append?: boolean;
}

/**
 * Writes each file (atomically; `-` to stdout). One that cannot be written (or rendered) does not keep the
 * others from being written: the failures are thrown together at the end (exit 4, naming each file).
 */
export async function writeFiles(files: readonly OutputFile[], streams: OutputStreams): Promise<void> {
  const failures: Problem[] = [];
  for (const file of files) {
    try {
      const text = file.render();
      await (file.append === true ? appendOutput(file.path, text) : writeOutput(file.path, text, streams));
    } catch (error) {
      failures.push({ path: file.field, message: describeWriteError(file.path, error) });
    }
  }
  if (failures.length > 0) throw new OutputWriteError(failures);
}

/**
 * Writes every report file the profile and flags asked for, one per format of the registry; the Markdown is
 * also appended to `$GITHUB_STEP_SUMMARY` when that is set, so a GitHub Actions job page shows the run.
 */
export async function writeReports(
  result: RunResult,
  outputs: Outputs,
  context: ReportContext,
): Promise<void> {
  const files: OutputFile[] = fileFormats.flatMap((format) => {
    const path = outputs[format.output.field];
    return path === undefined
      ? []
      : [
          {
            field: `outputs.${format.output.field}`,
            path,
            render: () => format.render(result, { color: false }),
          },
        ];
  });
  const stepSummary = context.env.GITHUB_STEP_SUMMARY;
  if (stepSummary !== undefined && stepSummary !== '') {
    files.push({
      field: 'GITHUB_STEP_SUMMARY',
      path: stepSummary,
      render: () => renderMarkdown(result),
      append: true,
    });
  }
  await writeFiles(files, context);
}

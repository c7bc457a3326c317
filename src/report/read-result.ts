import { readFile } from 'node:fs/promises';
import { FileUnreadableError, formatProblem, ResultFileError } from '../errors.js';
import { issuesToProblems } from '../profile/problems.js';
import { type RunResult, resultSchemaVersion, toolName } from './result.js';
import { runResultSchema } from './result-schema.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An older document in the current shape. Version 1 lacks `summary.counts.statuses` and `outsideChaos`,
 * versions 1 and 2 the per-second latency and the pin map, and the first builds of version 3
 * `sessionAgeAtLoss` (all optional: the reports say so where they miss them). The findings also came within
 * version 3 (a reader that does not know them ignores them); a document without them has none.
 */
function upgrade(value: Record<string, unknown>, version: number): Record<string, unknown> {
  if (version >= resultSchemaVersion) return { findings: [], ...value };
  return { ...value, schemaVersion: resultSchemaVersion, findings: [] };
}

/** Checks a saved result: that this tool wrote it, in a version this one reads, with every field in place. */
export function parseResultText(source: string, text: string): RunResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ResultFileError(source, `not JSON (${(error as Error).message})`, {
      hint: 'pass a file written by session-chaos run --json',
    });
  }
  const version = isRecord(value) ? value.schemaVersion : undefined;
  const tool = isRecord(value) && isRecord(value.tool) ? value.tool : undefined;
  if (tool?.name !== toolName || typeof version !== 'number') {
    throw new ResultFileError(
      source,
      'not a session-chaos result (no tool.name "session-chaos" and schemaVersion)',
      {
        hint: 'pass a file written by session-chaos run --json',
      },
    );
  }
  if (version > resultSchemaVersion) {
    throw new ResultFileError(
      source,
      `written by session-chaos ${String(tool.version)} with schemaVersion ${version}; this version reads up to ${resultSchemaVersion}`,
      { hint: 'upgrade session-chaos to read it' },
    );
  }
  const parsed = runResultSchema.safeParse(upgrade(value as Record<string, unknown>, version));
  if (!parsed.success) {
    const problems = issuesToProblems(parsed.error.issues);
    const shown = problems.slice(0, 10).map((problem) => `  ${formatProblem(problem)}`);
    const more = problems.length > shown.length ? [`  ... and ${problems.length - shown.length} more`] : [];
    throw new ResultFileError(source, `not a valid result:\n${[...shown, ...more].join('\n')}`);
  }
  return parsed.data;
}

export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileUnreadableError(path, code === 'ENOENT' ? 'no such file' : String(error));
  }
  return parseResultText(path, text);
}

import { ExitCode, UsageError } from '../errors.js';
import type { BalancerKind } from '../lab/balancer/registry.js';
import type { OverrideValues } from '../profile/overrides.js';
import { outputPathProblems } from '../report/check-outputs.js';
import { renderReportPage } from '../report/html/render.js';
import { type OutputFile, writeFiles } from '../report/outputs.js';
import { wantsColor } from '../report/style.js';
import { stdoutPath } from '../report/write.js';
import { type ClosingClause, renderMatrixReport } from './describe.js';
import { matrixPage } from './html.js';
import { matrixDocument, matrixExitCode, runMatrix } from './matrix.js';
import { type DetectOptions, describePlatform, detectPlatform } from './platform.js';
import { renderMatrixTable } from './table.js';

export interface PresentOptions {
  target?: string;
  json?: string;
  /** The HTML report of every scenario (its path is printed on stderr once written). */
  html?: string;
  /** The HTML page's title. */
  title?: string;
  flags?: OverrideValues;
  standIns?: Partial<Record<BalancerKind, BalancerKind>>;
  /** Printed on stderr before anything runs (the demo's introduction). */
  intro?: string;
  detect?: DetectOptions;
  /** Added to each scenario's sentence in the terminal and the HTML page (the demo's claims). */
  closing?: ClosingClause;
}

/**
 * The matrix as the CLI shows it: progress on stderr, the table and a sentence per scenario on stdout (stderr
 * when the JSON goes to stdout), the JSON document on request. Ctrl-C stops the scenario in progress; its lab
 * is removed before the process exits. Returns the exit code.
 */
export async function presentMatrix(paths: readonly string[], options: PresentOptions): Promise<ExitCode> {
  const stderr = process.stderr;
  const out = options.json === stdoutPath || options.html === stdoutPath ? stderr : process.stdout;
  // Before any lab starts: a report that could not be written would be found only after every scenario.
  const problems = await outputPathProblems(
    { json: options.json, html: options.html },
    (field) => `--${field}`,
  );
  if (problems.length > 0) {
    throw new UsageError(problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
  }
  const platform = await detectPlatform(options.detect);
  const platformText = describePlatform(platform);
  if (options.intro !== undefined) stderr.write(`${options.intro}\n`);
  stderr.write(`${platformText}\n`);

  const interrupt = new AbortController();
  // The first Ctrl-C stops the scenario in progress, removes its lab and prints what was measured; a second
  // one exits at once (the lab's exit hook still removes what is left).
  const onSignal = (): void => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const startedAt = new Date();
  try {
    const outcomes = await runMatrix(paths, {
      platform,
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.flags === undefined ? {} : { flags: options.flags }),
      ...(options.standIns === undefined ? {} : { standIns: options.standIns }),
      signal: interrupt.signal,
      log: (line) => stderr.write(`  ${line}\n`),
      onScenario: (outcome) => {
        const state = outcome.skipped ?? outcome.error?.split('\n')[0] ?? outcome.result?.verdict.status;
        stderr.write(`${outcome.strategy}: ${state}\n`);
      },
    });
    const color = wantsColor(out, process.env);
    out.write(
      `\n${renderMatrixReport(outcomes, (rows) => renderMatrixTable(rows, { color }), options.closing)}`,
    );
    const endedAt = new Date();
    const files: OutputFile[] = [];
    const { json, html } = options;
    if (json !== undefined) {
      const document = matrixDocument(outcomes, platformText, startedAt, endedAt);
      files.push({ field: '--json', path: json, render: () => `${JSON.stringify(document, null, 2)}\n` });
    }
    if (html !== undefined) {
      const page = matrixPage(
        outcomes,
        options.title ?? 'session-chaos matrix',
        [
          ...(options.intro === undefined ? [] : options.intro.split('\n')),
          platformText,
          `${startedAt.toISOString()} to ${endedAt.toISOString()}`,
        ],
        options.closing,
      );
      files.push({ field: '--html', path: html, render: () => renderReportPage(page) });
    }
    await writeFiles(files, { stdout: process.stdout });
    if (html !== undefined && html !== stdoutPath) stderr.write(`HTML report: ${html}\n`);
    return matrixExitCode(outcomes, interrupt.signal.aborted);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

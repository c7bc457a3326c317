import Table from 'cli-table3';
import { formatBytes, formatCount, formatMs, formatNumber, formatPercent } from '../report/format.js';
import { createStyle } from '../report/style.js';
import { noBorders } from '../report/table.js';
import type { ScenarioOutcome } from './scenario.js';

export const matrixColumns = [
  'strategy',
  'mismatch rate',
  'affinity',
  'load skew',
  're-logins',
  'errors during chaos',
  'sessions held',
  'session bytes',
  'replication',
  'p99',
  'verdict',
] as const;

export type MatrixRow = Record<(typeof matrixColumns)[number], string>;

const dash = '-';

function verdictOf(outcome: ScenarioOutcome): string {
  if (outcome.skipped !== undefined) return `skipped: ${outcome.skipped}`;
  if (outcome.error !== undefined || outcome.result === undefined) return 'error (see below)';
  const { verdict } = outcome.result;
  if (verdict.status === 'passed') return 'passed';
  if (verdict.status === 'thresholds_failed') return `failed: ${verdict.failed.join(', ')}`;
  return verdict.status;
}

/**
 * The price of the session design from the backends' /stats: sessions each holds in its memory (in backend
 * order), their bytes in all, and the replication payload sent between peers per second of the run.
 */
function priceColumns(
  outcome: ScenarioOutcome,
): Pick<MatrixRow, 'sessions held' | 'session bytes' | 'replication'> {
  const stats = outcome.lab?.stats;
  if (stats === undefined || stats.length === 0) {
    return { 'sessions held': dash, 'session bytes': dash, replication: dash };
  }
  const sent = stats.reduce((sum, backend) => sum + (backend.replication?.sentBytes ?? 0), 0);
  const seconds = (outcome.result?.durationMs ?? 0) / 1000;
  const replicates = stats.some((backend) => backend.replication !== null);
  return {
    'sessions held': stats.map((backend) => formatCount(backend.sessions)).join('/'),
    'session bytes': formatBytes(stats.reduce((sum, backend) => sum + backend.sessionBytes, 0)),
    replication: replicates && seconds > 0 ? `${formatBytes(Math.round(sent / seconds))}/s` : dash,
  };
}

/** One table row per scenario; a scenario that did not run shows dashes and why. */
export function matrixRow(outcome: ScenarioOutcome): MatrixRow {
  const summary = outcome.result?.summary;
  if (summary === undefined) {
    return {
      strategy: outcome.strategy,
      'mismatch rate': dash,
      affinity: dash,
      'load skew': dash,
      're-logins': dash,
      'errors during chaos': dash,
      ...priceColumns(outcome),
      p99: dash,
      verdict: verdictOf(outcome),
    };
  }
  const chaosErrors =
    summary.impact.length === 0
      ? dash
      : formatCount(summary.impact.reduce((sum, impact) => sum + impact.errors, 0));
  const { relogins } = summary;
  return {
    strategy: outcome.strategy,
    'mismatch rate': formatPercent(summary.mismatchRate.value),
    affinity: formatNumber(summary.affinity),
    'load skew': formatNumber(summary.loadSkew),
    're-logins':
      relogins.total === 0
        ? '0'
        : `${formatCount(relogins.total)} (${formatCount(relogins.usersAffected)} users)`,
    'errors during chaos': chaosErrors,
    ...priceColumns(outcome),
    p99: formatMs(summary.latency.count === 0 ? null : summary.latency.p99),
    verdict: verdictOf(outcome),
  };
}

/** The comparison table: one row per scenario, in the order they ran. Pure; colour only marks the verdict. */
export function renderMatrixTable(outcomes: readonly ScenarioOutcome[], options: { color: boolean }): string {
  const style = createStyle(options.color);
  const table = new Table({
    head: matrixColumns.map((column) => style.bold(column)),
    chars: noBorders,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const outcome of outcomes) {
    const row = matrixRow(outcome);
    const verdict =
      row.verdict === 'passed'
        ? style.green(row.verdict)
        : row.verdict.startsWith('skipped')
          ? style.yellow(row.verdict)
          : style.red(row.verdict);
    table.push([...matrixColumns.slice(0, -1).map((column) => row[column]), verdict]);
  }
  // cli-table3 pads the last column too; trailing blanks only make diffs and terminals wrap.
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

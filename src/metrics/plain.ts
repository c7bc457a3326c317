import { responseClasses } from '../classify/types.js';
import type { Summary } from './summary.js';

const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(2)}%`);
const fixed = (value: number | null, digits = 2): string => (value === null ? 'n/a' : value.toFixed(digits));

/** Left-aligned columns separated by two spaces; no colour, no box drawing. */
function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The summary as plain text: a minimal rendering for terminals and logs. */
export function renderPlainSummary(summary: Summary): string {
  const { counts, mismatchRate, relogins, latency, throughput } = summary;
  const share = (count: number): string => (counts.total > 0 ? percent(count / counts.total) : 'n/a');
  const interval =
    mismatchRate.low === null || mismatchRate.high === null
      ? ''
      : ` (95% CI ${percent(mismatchRate.low)} to ${percent(mismatchRate.high)})`;

  const sections = [
    table([
      ['class', 'count', 'share'],
      ...responseClasses.map((name) => [name, String(counts.classes[name]), share(counts.classes[name])]),
      ['total', String(counts.total), ''],
    ]),
    table([
      ['mismatch rate', `${percent(mismatchRate.value)}${interval}`],
      ['wrong user', String(summary.wrongUser)],
      [
        'logins',
        `ok ${counts.logins.login_ok}, failed ${counts.logins.login_failed}, error ${counts.logins.login_error}`,
      ],
      [
        're-logins',
        `${relogins.total} (mismatch ${relogins.byCause.mismatch}, expired ${relogins.byCause.expired}); ` +
          `users affected ${relogins.usersAffected}, per VU max ${relogins.perVuMax}, mean ${fixed(relogins.perVuMean)}`,
      ],
      ['load skew', `${fixed(summary.loadSkew)} (CV ${fixed(summary.loadCv)})`],
      ['affinity', fixed(summary.affinity)],
      ['switch rate', fixed(summary.switchRate)],
      ['pin skew', fixed(summary.pinSkew)],
      [
        'throughput',
        `${fixed(throughput.perSecond, 1)} req/s over ${(throughput.durationMs / 1000).toFixed(2)} s`,
      ],
    ]),
    table([
      ['backend', 'requests', 'share', 'VUs pinned'],
      ...Object.entries(summary.backendShare).map(([name, backend]) => [
        name,
        String(backend.count),
        percent(backend.share),
        String(backend.pinnedVus),
      ]),
      ...(counts.unknownBackend > 0 ? [['unknown', String(counts.unknownBackend), '', '']] : []),
    ]),
    table([
      ['latency (ms)', 'count', 'p50', 'p90', 'p99', 'max', 'mean'],
      ...[['all', latency] as const, ...responseClasses.map((name) => [name, latency.byClass[name]] as const)]
        .filter(([, stats]) => stats.count > 0)
        .map(([name, stats]) => [
          name,
          String(stats.count),
          ...[stats.p50, stats.p90, stats.p99, stats.max, stats.mean].map((ms) => ms.toFixed(1)),
        ]),
    ]),
  ];
  return `${sections.join('\n\n')}\n`;
}

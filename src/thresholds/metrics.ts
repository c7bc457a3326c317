import type { Summary } from '../metrics/summary.js';

/** How a metric's value is written and shown: a threshold on an `ms` metric takes a duration, and so on. */
export type MetricUnit = 'ratio' | 'count' | 'ms' | 'factor' | 'per_second';

/** Which way is worse, for `compare --fail-on-regression`; `none` when neither direction is a regression. */
type Better = 'lower' | 'higher' | 'none';

export interface MetricDefinition {
  name: string;
  unit: MetricUnit;
  better: Better;
  description: string;
  /** null when the summary has no data for it (a ratio with an empty denominator). */
  read(summary: Summary): number | null;
}

function metric(
  name: string,
  unit: MetricUnit,
  better: Better,
  description: string,
  read: (summary: Summary) => number | null,
): MetricDefinition {
  return { name, unit, better, description, read };
}

const latencyMetrics = (['p50', 'p90', 'p99', 'max', 'mean'] as const).map((stat) =>
  metric(`latency.${stat}`, 'ms', 'lower', `latency ${stat} over all responses`, (s) =>
    s.latency.count === 0 ? null : s.latency[stat],
  ),
);

const classCounts = (['ok', 'mismatch', 'wrong_user', 'expired', 'error', 'unexpected'] as const).map(
  (name) =>
    metric(
      `counts.${name}`,
      'count',
      name === 'ok' ? 'higher' : 'lower',
      `${name} responses`,
      (s) => s.counts.classes[name],
    ),
);

/**
 * Every metric a threshold or a comparison may name, with the names of the JSON export. The one list: the
 * profile validator, `--fail-on`, the reports and `compare` all read it, so they cannot disagree.
 */
export const metricDefinitions: readonly MetricDefinition[] = [
  metric(
    'mismatchRate',
    'ratio',
    'lower',
    'mismatch / (ok + mismatch + wrong_user)',
    (s) => s.mismatchRate.value,
  ),
  metric(
    'mismatchRate.high',
    'ratio',
    'lower',
    'upper end of the 95% Wilson interval of mismatchRate',
    (s) => s.mismatchRate.high,
  ),
  metric(
    'mismatchRate.low',
    'ratio',
    'lower',
    'lower end of the 95% Wilson interval',
    (s) => s.mismatchRate.low,
  ),
  metric('mismatches', 'count', 'lower', 'mismatch responses', (s) => s.mismatchRate.mismatches),
  metric('wrongUser', 'count', 'lower', 'responses authenticated as another user', (s) => s.wrongUser),
  metric('errorRate', 'ratio', 'lower', 'error / all responses and failed requests', (s) =>
    s.counts.total === 0 ? null : s.counts.classes.error / s.counts.total,
  ),
  metric(
    'errorRate.outsideChaos',
    'ratio',
    'lower',
    'error / responses outside every chaos impact window',
    (s) => {
      const outside = s.counts.outsideChaos;
      return outside === undefined || outside.total === 0 ? null : outside.errors / outside.total;
    },
  ),
  metric('relogins.total', 'count', 'lower', 'logins after each VU’s first', (s) => s.relogins.total),
  metric(
    'relogins.mismatch',
    'count',
    'lower',
    're-logins after a mismatch',
    (s) => s.relogins.byCause.mismatch,
  ),
  metric(
    'relogins.expired',
    'count',
    'lower',
    're-logins after an expiry',
    (s) => s.relogins.byCause.expired,
  ),
  metric('relogins.usersAffected', 'count', 'lower', 'VUs with a re-login', (s) => s.relogins.usersAffected),
  metric('relogins.perVuMax', 'count', 'lower', 'most re-logins of one VU', (s) => s.relogins.perVuMax),
  metric('relogins.perVuMean', 'factor', 'lower', 're-logins per VU', (s) => s.relogins.perVuMean),
  metric('logins.failed', 'count', 'lower', 'rejected logins', (s) => s.counts.logins.login_failed),
  metric('logins.error', 'count', 'lower', 'logins without an answer', (s) => s.counts.logins.login_error),
  metric('loadSkew', 'factor', 'lower', 'largest backend share / mean share', (s) => s.loadSkew),
  metric('loadCv', 'factor', 'lower', 'coefficient of variation of requests per backend', (s) => s.loadCv),
  metric(
    'affinity',
    'ratio',
    'none',
    'mean share of a VU’s requests on its most used backend',
    (s) => s.affinity,
  ),
  metric('switchRate', 'ratio', 'none', 'backend changes per transition', (s) => s.switchRate),
  metric('pinSkew', 'factor', 'lower', 'most VUs pinned to one backend / mean per backend', (s) => s.pinSkew),
  ...latencyMetrics,
  metric(
    'throughput.requests',
    'count',
    'higher',
    'requests of the traffic phase',
    (s) => s.throughput.requests,
  ),
  metric(
    'throughput.perSecond',
    'per_second',
    'higher',
    'requests per second',
    (s) => s.throughput.perSecond,
  ),
  metric(
    'throughput.okPerSecond',
    'per_second',
    'higher',
    'ok responses per second',
    (s) => s.throughput.okPerSecond,
  ),
  ...classCounts,
  metric('counts.total', 'count', 'none', 'responses and failed requests', (s) => s.counts.total),
];

export const metricNames: readonly string[] = metricDefinitions.map((definition) => definition.name);

const byName = new Map(metricDefinitions.map((definition) => [definition.name, definition]));

export function findMetric(name: string): MetricDefinition | undefined {
  return byName.get(name);
}

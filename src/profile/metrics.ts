/** How a metric's value is written and shown: a threshold on an `ms` metric takes a duration, and so on. */
export type MetricUnit = 'ratio' | 'count' | 'ms' | 'factor' | 'per_second';

/** Which way is worse, for `compare --fail-on-regression`; `none` when neither direction is a regression. */
type Better = 'lower' | 'higher' | 'none';

export const latencyStats = ['p50', 'p90', 'p99', 'max', 'mean'] as const;
export const responseClassNames = ['ok', 'mismatch', 'wrong_user', 'expired', 'error', 'unexpected'] as const;

export interface MetricDefinition {
  name: string;
  unit: MetricUnit;
  better: Better;
  description: string;
}

function metric(name: string, unit: MetricUnit, better: Better, description: string): MetricDefinition {
  return { name, unit, better, description };
}

/**
 * Every metric a threshold or a comparison may name, with the names of the JSON export. The one list: the
 * profile validator, `--fail-on`, the reports and `compare` all read it, so they cannot disagree. It sits
 * with the profile, which validates thresholds when it loads; how each value is read from a summary is
 * src/thresholds/metrics.ts.
 */
export const metricDefinitions: readonly MetricDefinition[] = [
  metric('mismatchRate', 'ratio', 'lower', 'mismatch / (ok + mismatch + wrong_user)'),
  metric('mismatchRate.high', 'ratio', 'lower', 'upper end of the 95% Wilson interval of mismatchRate'),
  metric('mismatchRate.low', 'ratio', 'lower', 'lower end of the 95% Wilson interval'),
  metric('mismatches', 'count', 'lower', 'mismatch responses'),
  metric('wrongUser', 'count', 'lower', 'responses authenticated as another user'),
  metric('errorRate', 'ratio', 'lower', 'error / all responses and failed requests'),
  metric('errorRate.outsideChaos', 'ratio', 'lower', 'error / responses outside every chaos impact window'),
  metric('relogins.total', 'count', 'lower', 'logins after each VU’s first'),
  metric('relogins.mismatch', 'count', 'lower', 're-logins after a mismatch'),
  metric('relogins.expired', 'count', 'lower', 're-logins after an expiry'),
  metric('relogins.usersAffected', 'count', 'lower', 'VUs with a re-login'),
  metric('relogins.perVuMax', 'count', 'lower', 'most re-logins of one VU'),
  metric('relogins.perVuMean', 'factor', 'lower', 're-logins per VU'),
  metric('logins.failed', 'count', 'lower', 'rejected logins'),
  metric('logins.error', 'count', 'lower', 'logins without an answer'),
  metric('loadSkew', 'factor', 'lower', 'largest backend share / mean share'),
  metric('loadCv', 'factor', 'lower', 'coefficient of variation of requests per backend'),
  metric('affinity', 'ratio', 'none', 'mean share of a VU’s requests on its most used backend'),
  metric('switchRate', 'ratio', 'none', 'backend changes per transition'),
  metric('pinSkew', 'factor', 'lower', 'most VUs pinned to one backend / mean per backend'),
  ...latencyStats.map((stat) =>
    metric(`latency.${stat}`, 'ms', 'lower', `latency ${stat} over all responses`),
  ),
  metric('throughput.requests', 'count', 'higher', 'requests of the traffic phase'),
  metric('throughput.perSecond', 'per_second', 'higher', 'requests per second'),
  metric('throughput.okPerSecond', 'per_second', 'higher', 'ok responses per second'),
  ...responseClassNames.map((name) =>
    metric(`counts.${name}`, 'count', name === 'ok' ? 'higher' : 'lower', `${name} responses`),
  ),
  metric('counts.total', 'count', 'none', 'responses and failed requests'),
];

export const metricNames: readonly string[] = metricDefinitions.map((definition) => definition.name);

const byName = new Map(metricDefinitions.map((definition) => [definition.name, definition]));

export function findMetric(name: string): MetricDefinition | undefined {
  return byName.get(name);
}

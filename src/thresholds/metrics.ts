import type { Summary } from '../metrics/summary.js';
import { latencyStats, responseClassNames } from '../profile/metrics.js';

type Reader = (summary: Summary) => number | null;

/**
 * How each metric of the catalog (src/profile/metrics.ts) reads its value from a summary; null when the
 * summary has no data for it (a ratio with an empty denominator).
 */
const readers: Readonly<Record<string, Reader>> = {
  mismatchRate: (s) => s.mismatchRate.value,
  'mismatchRate.high': (s) => s.mismatchRate.high,
  'mismatchRate.low': (s) => s.mismatchRate.low,
  mismatches: (s) => s.mismatchRate.mismatches,
  wrongUser: (s) => s.wrongUser,
  errorRate: (s) => (s.counts.total === 0 ? null : s.counts.classes.error / s.counts.total),
  'errorRate.outsideChaos': (s) => {
    const outside = s.counts.outsideChaos;
    return outside === undefined || outside.total === 0 ? null : outside.errors / outside.total;
  },
  'relogins.total': (s) => s.relogins.total,
  'relogins.mismatch': (s) => s.relogins.byCause.mismatch,
  'relogins.expired': (s) => s.relogins.byCause.expired,
  'relogins.usersAffected': (s) => s.relogins.usersAffected,
  'relogins.perVuMax': (s) => s.relogins.perVuMax,
  'relogins.perVuMean': (s) => s.relogins.perVuMean,
  'logins.failed': (s) => s.counts.logins.login_failed,
  'logins.error': (s) => s.counts.logins.login_error,
  loadSkew: (s) => s.loadSkew,
  loadCv: (s) => s.loadCv,
  affinity: (s) => s.affinity,
  switchRate: (s) => s.switchRate,
  pinSkew: (s) => s.pinSkew,
  'throughput.requests': (s) => s.throughput.requests,
  'throughput.perSecond': (s) => s.throughput.perSecond,
  'throughput.okPerSecond': (s) => s.throughput.okPerSecond,
  'counts.total': (s) => s.counts.total,
  ...Object.fromEntries(
    latencyStats.map((stat): [string, Reader] => [
      `latency.${stat}`,
      (s) => (s.latency.count === 0 ? null : s.latency[stat]),
    ]),
  ),
  ...Object.fromEntries(
    responseClassNames.map((name): [string, Reader] => [`counts.${name}`, (s) => s.counts.classes[name]]),
  ),
};

/** The value of a metric of the catalog in `summary`. */
export function readMetric(name: string, summary: Summary): number | null {
  const read = readers[name];
  // Names are parsed against the catalog, so one without a reader is a bug, not an input error.
  if (read === undefined) throw new Error(`no reader for the metric ${name}`);
  return read(summary);
}

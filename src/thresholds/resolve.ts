import { UsageError } from '../errors.js';
import type { Profile } from '../profile/schema/index.js';
import { parseThreshold, type Threshold } from '../profile/threshold-expression.js';

/** Where a threshold came from, shown in the reports. */
export type ThresholdOrigin = 'profile' | 'flag' | 'default';

export interface ResolvedThreshold extends Threshold {
  origin: ThresholdOrigin;
}

export interface ThresholdSettings {
  /** `--fail-on` expressions, added to the profile's. */
  failOn?: readonly string[];
  /** false (`--no-default-thresholds`) drops the built-in thresholds (`defaultThresholds`). */
  defaults?: boolean;
}

interface DefaultThreshold {
  expression: string;
  /** Why a CI job expects it, as `--dry-run` and the README say. */
  reason: string;
  /** A profile or `--fail-on` threshold on any of these metrics replaces the default instead of adding to it. */
  replacedBy: readonly string[];
}

/**
 * The default verdict: a run passes only if no answer was another user's, no session was lost, and errors
 * stayed low outside the windows where chaos was meant to cause them.
 */
export const defaultThresholds: readonly DefaultThreshold[] = [
  {
    expression: 'wrongUser==0',
    reason: 'an answer authenticated as another user is a security failure',
    replacedBy: ['wrongUser', 'counts.wrong_user'],
  },
  {
    expression: 'mismatches==0',
    reason: 'a logged-in user lost the session',
    replacedBy: ['mismatches', 'mismatchRate', 'mismatchRate.high', 'mismatchRate.low', 'counts.mismatch'],
  },
  {
    expression: 'errorRate.outsideChaos<=1%',
    reason: 'errors (transport failures, 5xx) outside the impact windows of chaos actions',
    replacedBy: ['errorRate', 'errorRate.outsideChaos', 'counts.error'],
  },
];

/**
 * The thresholds a run is judged by: the profile's, then `--fail-on`'s, then the defaults for metrics that
 * neither names (a profile that says `wrongUser<=3` replaces the default rather than adding a second rule).
 * Profile entries were validated with the profile; a bad `--fail-on` is a usage error (exit 2) listing them all.
 */
export function resolveThresholds(
  profileThresholds: Profile['thresholds'],
  settings: ThresholdSettings = {},
): ResolvedThreshold[] {
  const problems: string[] = [];
  const resolved: ResolvedThreshold[] = [];
  const add = (expression: string, abortOnFail: boolean, origin: ThresholdOrigin, label: string): void => {
    const parsed = parseThreshold(expression, abortOnFail);
    if (parsed.ok) resolved.push({ ...parsed.value, origin });
    else problems.push(`${label}: ${parsed.message}`);
  };
  profileThresholds.forEach((entry, index) => {
    const { expression, abortOnFail } =
      typeof entry === 'string' ? { expression: entry, abortOnFail: false } : entry;
    add(expression, abortOnFail, 'profile', `thresholds[${index}]`);
  });
  for (const expression of settings.failOn ?? []) add(expression, false, 'flag', `--fail-on "${expression}"`);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  if (settings.defaults !== false) {
    const named = new Set(resolved.map((threshold) => threshold.metric));
    for (const { expression, replacedBy } of defaultThresholds) {
      const parsed = parseThreshold(expression);
      if (!parsed.ok) throw new Error(`bad default threshold ${expression}`);
      if (!replacedBy.some((metric) => named.has(metric)))
        resolved.push({ ...parsed.value, origin: 'default' });
    }
  }
  return resolved;
}

/** The thresholds a run would be judged by, for `--dry-run`: each with where it came from. */
export function formatThresholdPlan(thresholds: readonly ResolvedThreshold[]): string {
  if (thresholds.length === 0) return 'thresholds: none (the run passes unless it aborts)\n';
  const width = Math.max(...thresholds.map((threshold) => threshold.expression.length));
  const lines = thresholds.map((threshold) => {
    const reason = defaultThresholds.find((entry) => entry.expression === threshold.expression)?.reason;
    const origin =
      threshold.origin === 'default' && reason !== undefined ? `default: ${reason}` : threshold.origin;
    const abort = threshold.abortOnFail ? ', aborts the run on failure' : '';
    return `  ${threshold.expression.padEnd(width)}  (${origin}${abort})`;
  });
  return `thresholds (any failure exits 1; --no-default-thresholds drops the defaults):\n${lines.join('\n')}\n`;
}

import { UsageError } from '../errors.js';
import type { Profile } from '../profile/schema/index.js';
import { parseThreshold, type Threshold } from './expression.js';

/** Where a threshold came from, shown in the reports. */
export type ThresholdOrigin = 'profile' | 'flag' | 'default';

export interface ResolvedThreshold extends Threshold {
  origin: ThresholdOrigin;
}

export interface ThresholdSettings {
  /** `--fail-on` expressions, added to the profile's. */
  failOn?: readonly string[];
  /** false (`--no-default-thresholds`) drops the built-in `wrongUser==0`. */
  defaults?: boolean;
}

/** A response authenticated as another user is a security failure: a run fails on one unless told otherwise. */
export const defaultThresholds: readonly string[] = ['wrongUser==0'];

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
    for (const expression of defaultThresholds) {
      const parsed = parseThreshold(expression);
      if (!parsed.ok) throw new Error(`bad default threshold ${expression}`);
      if (!resolved.some((threshold) => threshold.metric === parsed.value.metric)) {
        resolved.push({ ...parsed.value, origin: 'default' });
      }
    }
  }
  return resolved;
}

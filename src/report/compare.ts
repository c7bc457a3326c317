import { UsageError } from '../errors.js';
import { findMetric, type MetricDefinition, metricDefinitions } from '../profile/metrics.js';
import { parseMetricValue, unknownMetricMessage } from '../profile/threshold-expression.js';
import { readMetric } from '../thresholds/metrics.js';
import { formatMetric, formatPercent, notAvailable } from './format.js';
import type { RunResult } from './result.js';
import { createStyle } from './style.js';
import { newTable, trimLines } from './table.js';

/** `mismatchRate:0.01`: fail when the metric gets worse by more than the tolerance (in its own unit). */
export interface RegressionRule {
  text: string;
  metric: MetricDefinition;
  tolerance: number;
}

export interface MetricChange {
  metric: MetricDefinition;
  before: number | null;
  after: number | null;
  /** after - before; null when either has no data. */
  delta: number | null;
  /** The rule this change breaks, if any. */
  regression?: RegressionRule;
}

/** Parses `--fail-on-regression` values, listing every bad one (exit 2). */
export function parseRegressionRules(texts: readonly string[]): RegressionRule[] {
  const problems: string[] = [];
  const rules: RegressionRule[] = [];
  for (const text of texts) {
    const match = /^([A-Za-z][\w.]*):(\S+)$/.exec(text.trim());
    if (match === null) {
      problems.push(`--fail-on-regression "${text}": expected metric:tolerance, such as mismatchRate:0.01`);
      continue;
    }
    const [, name, toleranceText] = match as unknown as [string, string, string];
    const metric = findMetric(name);
    if (metric === undefined) {
      problems.push(`--fail-on-regression "${text}": ${unknownMetricMessage(name)}`);
      continue;
    }
    const tolerance = parseMetricValue(toleranceText, metric);
    if (tolerance.ok) rules.push({ text, metric, tolerance: tolerance.value });
    else problems.push(`--fail-on-regression "${text}": ${tolerance.message}`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return rules;
}

function worsening(metric: MetricDefinition, delta: number): number {
  if (metric.better === 'lower') return delta;
  if (metric.better === 'higher') return -delta;
  return Math.abs(delta);
}

/** Every metric of the two runs side by side, with the regressions the rules ask about. Pure. */
export function compareResults(
  before: RunResult,
  after: RunResult,
  rules: readonly RegressionRule[] = [],
): MetricChange[] {
  return metricDefinitions.map((metric) => {
    const a = readMetric(metric.name, before.summary);
    const b = readMetric(metric.name, after.summary);
    const delta = a === null || b === null ? null : b - a;
    const broken =
      delta === null
        ? undefined
        : rules.find((rule) => rule.metric.name === metric.name && worsening(metric, delta) > rule.tolerance);
    return { metric, before: a, after: b, delta, ...(broken === undefined ? {} : { regression: broken }) };
  });
}

function formatDelta(change: MetricChange): string {
  if (change.delta === null) return notAvailable;
  if (change.delta === 0) return '=';
  const sign = change.delta > 0 ? '+' : '-';
  const absolute = formatMetric(change.metric.unit, Math.abs(change.delta));
  const relative =
    change.before === null || change.before === 0
      ? ''
      : ` (${sign}${formatPercent(Math.abs(change.delta / change.before))})`;
  return `${sign}${absolute}${relative}`;
}

/** The comparison as a table; metrics without data in either run are left out. */
export function renderComparison(
  labels: { before: string; after: string },
  changes: readonly MetricChange[],
  options: { color: boolean },
): string {
  const style = createStyle(options.color);
  const table = newTable(
    ['metric', labels.before, labels.after, 'change', ''],
    ['left', 'right', 'right', 'right', 'left'],
    style,
    options.color,
  );
  for (const change of changes) {
    if (change.before === null && change.after === null) continue;
    const regression =
      change.regression === undefined ? '' : style.red(`REGRESSION (> ${change.regression.text})`);
    table.push([
      change.metric.name,
      formatMetric(change.metric.unit, change.before),
      formatMetric(change.metric.unit, change.after),
      formatDelta(change),
      regression,
    ]);
  }
  const regressions = changes.filter((change) => change.regression !== undefined).length;
  const verdict =
    regressions === 0
      ? style.green('no regression beyond the tolerances')
      : style.red(`${regressions} ${regressions === 1 ? 'regression' : 'regressions'}`);
  return trimLines(`${table.toString()}\n\n${verdict}\n`);
}

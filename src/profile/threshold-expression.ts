import { didYouMean } from '../util/did-you-mean.js';
import { parseDuration } from '../util/duration.js';
import { findMetric, type MetricDefinition, type MetricUnit, metricNames } from './metrics.js';

export const operators = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Operator = (typeof operators)[number];

/** A parsed `metric<op>value`. The value is in the metric's own unit: a ratio (0.02 for `2%`), ms, a count. */
export interface Threshold {
  expression: string;
  metric: string;
  op: Operator;
  value: number;
  abortOnFail: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const expressionPattern = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
const numberPattern = /^-?\d+(\.\d+)?(e-?\d+)?$/i;
const percentPattern = /^(-?\d+(?:\.\d+)?)%$/;

export const expressionHint = 'expected "metric<op>value", such as mismatchRate<0.01 or latency.p99<500ms';

export function unknownMetricMessage(name: string): string {
  const suggestion = didYouMean(name, metricNames);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return `unknown metric "${name}"${hint}; known metrics: ${metricNames.join(', ')}`;
}

const unitWords: Record<MetricUnit, string> = {
  ratio: 'a ratio such as 0.01 or 1%',
  count: 'a whole number',
  ms: 'a duration such as 500ms or 1.5s (a bare number is milliseconds)',
  factor: 'a number such as 1.5',
  per_second: 'a number of requests per second',
};

/** Reads a value in the unit of `metric`: a duration for latencies, a number or a percentage for ratios. */
export function parseMetricValue(text: string, metric: MetricDefinition): Parsed<number> {
  const wrong = (): Parsed<number> => ({
    ok: false,
    message: `${metric.name} takes ${unitWords[metric.unit]}, got "${text}"`,
  });
  if (numberPattern.test(text)) {
    const value = Number(text);
    if (metric.unit === 'count' && !Number.isInteger(value)) return wrong();
    return { ok: true, value };
  }
  const percent = percentPattern.exec(text)?.[1];
  if (percent !== undefined)
    return metric.unit === 'ratio' ? { ok: true, value: Number(percent) / 100 } : wrong();
  const ms = parseDuration(text);
  if (ms !== undefined && metric.unit === 'ms') return { ok: true, value: ms };
  return wrong();
}

/** Parses `mismatchRate<0.01`, `latency.p99<500ms`, `errorRate<=2%`; the message says what is wrong. */
export function parseThreshold(expression: string, abortOnFail = false): Parsed<Threshold> {
  const match = expressionPattern.exec(expression);
  if (match === null) return { ok: false, message: expressionHint };
  const [, name, op, valueText] = match as unknown as [string, string, Operator, string];
  const metric = findMetric(name);
  if (metric === undefined) return { ok: false, message: unknownMetricMessage(name) };
  const value = parseMetricValue(valueText, metric);
  if (!value.ok) return value;
  return {
    ok: true,
    value: { expression: expression.trim(), metric: name, op, value: value.value, abortOnFail },
  };
}

export function compare(actual: number, op: Operator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

import type { MetricUnit } from '../profile/metrics.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const notAvailable = 'n/a';

export function formatCount(value: number): string {
  return integer.format(value);
}

/** 0.01412 -> `1.41%`; small rates keep their significant digits (0.00012 -> `0.012%`). */
export function formatPercent(value: number | null): string {
  if (value === null) return notAvailable;
  const percent = value * 100;
  if (percent !== 0 && Math.abs(percent) < 0.1) return `${+percent.toPrecision(2)}%`;
  return `${+percent.toFixed(2)}%`;
}

export function formatMs(value: number | null): string {
  if (value === null) return notAvailable;
  if (value < 1) return `${+value.toFixed(2)}ms`;
  if (value < 100) return `${+value.toFixed(1)}ms`;
  if (value < 1000) return `${Math.round(value)}ms`;
  return `${+(value / 1000).toFixed(2)}s`;
}

/** `4.6 kB`: decimal units, as network rates are given. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${formatCount(bytes)} B`;
  if (bytes < 1_000_000) return `${+(bytes / 1000).toFixed(1)} kB`;
  return `${+(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `digits` decimals; a small non-zero value keeps two significant digits rather than showing as 0. */
export function formatNumber(value: number | null, digits = 2): string {
  if (value === null) return notAvailable;
  if (value !== 0 && Math.abs(value) < 10 ** -digits * 10) return `${+value.toPrecision(2)}`;
  return `${+value.toFixed(digits)}`;
}

/** A time from the reports' origin (the traffic phase's start, or the run's where it has none): `+12.3s`. */
export function formatRunTime(ms: number, digits = 1): string {
  return `+${+(ms / 1000).toFixed(digits)}s`;
}

export function formatMetric(unit: MetricUnit, value: number | null): string {
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'ms':
      return formatMs(value);
    case 'count':
      return value === null ? notAvailable : formatCount(value);
    case 'per_second':
      return value === null ? notAvailable : `${formatNumber(value, 1)}/s`;
    case 'factor':
      return formatNumber(value);
  }
}

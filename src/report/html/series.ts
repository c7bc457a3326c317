import { type ResponseClass, responseClasses } from '../../classify/types.js';
import type { Summary } from '../../metrics/summary.js';
import type { RunResult } from '../result.js';

/**
 * The charts' clock: the chaos journal's (seconds from the traffic phase's start, the clock of the profile's
 * `at`) when the result says where that phase started on the timeline's clock; else the run's start.
 */
export function clockOffsetMs(result: RunResult): number {
  // A summary that names the traffic phase's start already counts from it.
  if (result.summary.trafficStartedAt !== undefined) return 0;
  return result.trafficStartMs ?? 0;
}

/** The timeline as columns, one entry per second from the first bucket (or 0) to the last (seconds without a response are 0). */
export interface TimelineSeries {
  /** Each second's start on the charts' clock (s): negative before the traffic phase. */
  seconds: number[];
  classes: Record<ResponseClass, number[]>;
  total: number[];
  relogins: number[];
  /** Latency of the responses that ended in each second (ms); null where none did, or the result predates it. */
  p50: Array<number | null>;
  p99: Array<number | null>;
  /** Backend names in order of first answer; `unknown` last when some backend could not be read. */
  backends: string[];
  /** Per backend, responses per second. */
  backendCounts: number[][];
}

export function timelineSeries(summary: Summary, offsetMs = 0): TimelineSeries {
  const last = summary.timeline.reduce((max, bucket) => Math.max(max, Math.floor(bucket.at / 1000)), -1);
  // The login phase's seconds are negative where the summary counts from the traffic phase's start.
  const first = summary.timeline.reduce((min, bucket) => Math.min(min, Math.floor(bucket.at / 1000)), 0);
  const length = last - first + 1;
  const zeros = (): number[] => new Array<number>(length).fill(0);
  const classes = Object.fromEntries(responseClasses.map((name) => [name, zeros()])) as Record<
    ResponseClass,
    number[]
  >;
  const names = [...Object.keys(summary.backendShare)];
  for (const bucket of summary.timeline) {
    for (const name of Object.keys(bucket.backends)) if (!names.includes(name)) names.push(name);
  }
  // Unknown last, so the known backends keep their colours whatever else answered.
  const backends = [
    ...names.filter((name) => name !== 'unknown'),
    ...names.filter((name) => name === 'unknown'),
  ];
  const series: TimelineSeries = {
    seconds: Array.from({ length }, (_, index) => ((index + first) * 1000 - offsetMs) / 1000),
    classes,
    total: zeros(),
    relogins: zeros(),
    p50: new Array<number | null>(length).fill(null),
    p99: new Array<number | null>(length).fill(null),
    backends,
    backendCounts: backends.map(zeros),
  };
  for (const bucket of summary.timeline) {
    const second = Math.floor(bucket.at / 1000) - first;
    let total = 0;
    for (const name of responseClasses) {
      classes[name][second] = bucket.classes[name];
      total += bucket.classes[name];
    }
    series.total[second] = total;
    series.relogins[second] = bucket.relogins;
    if (bucket.latency !== undefined && total > 0) {
      series.p50[second] = bucket.latency.p50;
      series.p99[second] = bucket.latency.p99;
    }
    backends.forEach((name, index) => {
      const column = series.backendCounts[index];
      if (column !== undefined) column[second] = bucket.backends[name] ?? 0;
    });
  }
  return series;
}

/** A chaos action on the run's clock (ms): issued at `at`, answered at `doneAt`, the target back at `backAt`. */
export interface ChaosBand {
  id: string;
  label: string;
  at: number;
  doneAt?: number;
  backAt?: number;
  outcome?: string;
}

export function chaosBands(result: RunResult): ChaosBand[] {
  return result.chaos
    .filter((entry) => entry.kind === 'action')
    .map((entry) => ({
      id: entry.id,
      label: [entry.action ?? entry.kind, entry.target].filter((part) => part !== undefined).join(' '),
      at: entry.at,
      ...(entry.doneAt === undefined ? {} : { doneAt: entry.doneAt }),
      ...(entry.backAt === undefined ? {} : { backAt: entry.backAt }),
      ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
    }));
}

/** What every run's charts share in a matrix page, so that the strategies compare at a glance. */
export interface ChartScales {
  /** The time axis, in seconds on the charts' clock: [from, to]. */
  from: number;
  to: number;
  /** Largest requests per second. */
  requests: number;
  /** Largest per-second p99 (ms). */
  latency: number;
}

/** What the page's script reads: the result documents and the scales every run's charts share. */
export interface PageData {
  scales: ChartScales;
  runs: Array<RunResult | null>;
}

export function sharedScales(results: readonly RunResult[]): ChartScales {
  const scales: ChartScales = { from: 0, to: 1, requests: 1, latency: 1 };
  for (const result of results) {
    const series = timelineSeries(result.summary, clockOffsetMs(result));
    const bandEnd = chaosBands(result).reduce(
      (max, band) => Math.max(max, (band.backAt ?? band.doneAt ?? band.at) / 1000),
      0,
    );
    const first = series.seconds[0] ?? 0;
    const last = series.seconds[series.seconds.length - 1] ?? 0;
    scales.from = Math.min(scales.from, Math.floor(first));
    scales.to = Math.max(scales.to, Math.ceil(last + 1), Math.ceil(bandEnd));
    scales.requests = Math.max(scales.requests, ...series.total);
    scales.latency = Math.max(scales.latency, ...series.p99.map((value) => value ?? 0));
  }
  return scales;
}

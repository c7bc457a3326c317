import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencyStats } from './summary.js';

/** Latencies are recorded in whole microseconds, so that sub-millisecond answers on loopback stay visible. */
const microsPerMs = 1000;

export function newLatencyHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, autoResize: true });
}

/** One second's latency, for the timeline: two significant digits are enough for a chart, at a tenth of the memory. */
export function newSecondLatencyHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 2, autoResize: true });
}

export function mergedLatency(histograms: readonly Histogram[]): Histogram {
  const merged = newLatencyHistogram();
  for (const histogram of histograms) merged.add(histogram);
  return merged;
}

export function recordLatencyMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(0, Math.round(ms * microsPerMs)));
}

const roundMs = (micros: number): number => Math.round(micros) / microsPerMs;

/** A percentile (0..100) of a histogram of milliseconds, in milliseconds. */
export function percentileMs(histogram: Histogram, percentile: number): number {
  return histogram.totalCount === 0 ? 0 : roundMs(histogram.getValueAtPercentile(percentile));
}

export function latencyStats(histogram: Histogram): LatencyStats {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  return {
    count,
    p50: roundMs(histogram.getValueAtPercentile(50)),
    p90: roundMs(histogram.getValueAtPercentile(90)),
    p99: roundMs(histogram.getValueAtPercentile(99)),
    max: roundMs(histogram.maxValue),
    mean: roundMs(histogram.mean),
  };
}

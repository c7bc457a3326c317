import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencyStats } from './summary.js';

/** Latencies are recorded in whole microseconds, so that sub-millisecond answers on loopback stay visible. */
const microsPerMs = 1000;

export function newLatencyHistogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, autoResize: true });
}

/** What the timeline shows of one second's latency. */
export interface SecondLatencyStats {
  count: number;
  p50: number;
  p99: number;
}

/**
 * One second's latency, for the timeline: a histogram (two significant digits are enough for a chart) while
 * answers may still end in that second, then only the figures the timeline shows. A histogram holds about
 * 10 kB, and a run has one second per second: kept whole, a 10-minute soak grew by 9 kB/s for them alone.
 */
export class SecondLatency {
  #histogram: Histogram | undefined = build({ numberOfSignificantValueDigits: 2, autoResize: true });
  #sealed: SecondLatencyStats | undefined;

  /** After `seal`, a latency only counts: answers ending seconds late are not expected (records come as they end). */
  record(ms: number): void {
    if (this.#histogram !== undefined) recordLatencyMs(this.#histogram, ms);
    else if (this.#sealed !== undefined) this.#sealed.count++;
  }

  seal(): void {
    if (this.#histogram === undefined) return;
    this.#sealed = this.stats();
    this.#histogram.destroy();
    this.#histogram = undefined;
  }

  stats(): SecondLatencyStats {
    if (this.#sealed !== undefined) return { ...this.#sealed };
    const histogram = this.#histogram;
    if (histogram === undefined || histogram.totalCount === 0) return { count: 0, p50: 0, p99: 0 };
    return {
      count: histogram.totalCount,
      p50: roundMs(histogram.getValueAtPercentile(50)),
      p99: roundMs(histogram.getValueAtPercentile(99)),
    };
  }
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

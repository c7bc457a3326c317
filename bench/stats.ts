import { seededRandom } from '../src/util/random.js';

/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** `20,812 (20,101-21,340)`: a median with its range, whole numbers. */
export function formatSpread(value: Spread, digits = 0): string {
  const format = (n: number): string =>
    n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${format(value.median)} (${format(value.min)}-${format(value.max)})`;
}

export const megabytes = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** wrk's own summary: requests completed, the run's length, and socket errors and non-2xx answers. */
export function parseWrk(output: string): { requests: number; durationMs: number; bad: number } {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m)\b/.exec(output);
  if (done === null) throw new Error(`cannot read wrk's output:\n${output}`);
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[done[3] as 'us' | 'ms' | 's' | 'm'];
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const bad =
    (errors === null ? 0 : errors.slice(1).reduce((sum, n) => sum + Number(n), 0)) +
    (non2xx === null ? 0 : Number(non2xx[1]));
  return { requests: Number(done[1]), durationMs: Number(done[2]) * unit, bad };
}

/** Requests made over some milliseconds of running. */
export interface Work {
  requests: number;
  ms: number;
}

/** Requests per second of all the work together. */
export function rateOf(work: readonly Work[]): number {
  const requests = work.reduce((sum, part) => sum + part.requests, 0);
  const ms = work.reduce((sum, part) => sum + part.ms, 0);
  return (requests / ms) * 1000;
}

export interface RatioEstimate {
  ratio: number;
  /** 95% bootstrap percentile interval. */
  low: number;
  high: number;
}

export interface Pair {
  ours: Work;
  theirs: Work;
}

/**
 * The ratio of two generators' rates from pairs of turns taken side by side, with a 95% interval from
 * resampling (seeded, so the same figures give the same interval): blocks (each with processes of its own)
 * with replacement, then pairs within each block. Pairs keep what the machine did at the time together: a
 * slow minute slows both turns of its pair; blocks carry what one process does differently from another.
 */
export function pairedRatio(blocks: ReadonlyArray<readonly Pair[]>, resamples = 4000): RatioEstimate {
  const ratioOf = (pairs: readonly Pair[]): number =>
    rateOf(pairs.map((pair) => pair.ours)) / rateOf(pairs.map((pair) => pair.theirs));
  const random = seededRandom(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)] as T;
  const ratios = Array.from({ length: resamples }, () =>
    ratioOf(
      blocks.flatMap(() => {
        const block = pick(blocks);
        return block.map(() => pick(block));
      }),
    ),
  ).sort((a, b) => a - b);
  const at = (quantile: number): number => ratios[Math.floor(quantile * (ratios.length - 1))] ?? Number.NaN;
  return { ratio: ratioOf(blocks.flat()), low: at(0.025), high: at(0.975) };
}

/** The least-squares slope of y over x: how fast a series grows, in y's unit per x's unit. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const variance = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  return variance === 0 ? Number.NaN : covariance / variance;
}

import type { SoakFigures } from '../../bench/soak.js';

/** A soak of 50 users with every answer ok and the given RSS samples (seconds, MB) and slope. */
export function soakFigures(
  series: readonly [number, number][],
  slope: number,
  requests = 300_000,
): SoakFigures {
  const durationSeconds = (series.at(-1)?.[0] ?? 0) + 10;
  return {
    users: 50,
    durationSeconds,
    requests,
    reqPerSec: Math.round(requests / durationSeconds),
    bad: 0,
    series: series.map(([seconds, rssMb]) => ({ seconds, rssMb })),
    slopeMbPerMinute: slope,
    slopeAllMbPerMinute: slope,
  };
}

import { describe, expect, it } from 'vitest';
import type { AlternatingFigures } from '../../bench/alternating.js';
import { type BenchFigures, targetRows, targetsOf } from '../../bench/targets.js';
import { summarize } from '../../bench/throughput.js';
import { soakFigures } from './figures.js';

const engineRun = (generator: 'autocannon' | 'session-chaos', reqPerSec: number, cpu: number) => ({
  generator,
  round: 1,
  requests: reqPerSec,
  bad: 0,
  reqPerSec,
  cpuMicrosPerRequest: cpu,
  cpuUserMicrosPerRequest: cpu / 2,
  cpuSystemMicrosPerRequest: cpu / 2,
  labMicrosPerRequest: 60,
  cpuPercent: {},
  seconds: 1,
});

const throughput = (ours: number, cpu = 12): BenchFigures['throughput'] => {
  const runs = [engineRun('autocannon', 25_000, 13), engineRun('session-chaos', ours, cpu)];
  return { runs, generators: summarize(runs), sessionChaosToAutocannonPerRound: [], saturation: [] };
};

const alternating = (ratio: number, low: number, high: number) =>
  ({ ratio: { ratio, low, high } }) as AlternatingFigures;

const nothing: BenchFigures = { rss: [], open: [], pauseMs: 1000 };

describe('bench targets', () => {
  it('is one row per target, each "not run" when its section did not run', () => {
    const targets = targetsOf(nothing);
    expect(targets).toHaveLength(targetRows.length);
    for (const target of targets) expect(target).toMatchObject({ value: 'not run', verdict: '-' });
    expect(targets.map((target) => target.name)).toContain(
      'open model: a 1000 ms pause shows in max and p99',
    );
  });

  it('passes the req/s target on the medians only at 1.0x or more, three decimals', () => {
    const [medians] = targetsOf({ ...nothing, throughput: throughput(24_900) });
    expect(medians).toMatchObject({ value: '0.996x', verdict: 'FAIL' });
    expect(targetsOf({ ...nothing, throughput: throughput(25_000) })[0]?.verdict).toBe('PASS');
  });

  it('decides the paired target only when the whole interval is on one side of 1.0', () => {
    const verdict = (low: number, high: number) =>
      targetsOf({ ...nothing, alternating: alternating((low + high) / 2, low, high) })[1]?.verdict;
    expect(verdict(1.001, 1.02)).toBe('PASS');
    expect(verdict(0.98, 0.999)).toBe('FAIL');
    expect(verdict(0.99, 1.01)).toBe('UNDECIDED');
  });

  it('holds client CPU, memory, the open model and the soak to their limits', () => {
    const targets = targetsOf({
      throughput: throughput(25_000, 20.5),
      rss: [{ users: 100_000, loggedIn: 100_000, rssAfterLoginMb: 150, maxRssMb: 180, heapAfterLoginMb: 90 }],
      open: [
        {
          case: 'steady',
          targetRate: 1000,
          achievedRate: 979,
          deviationPercent: -2.1,
          p50: 1,
          p90: 2,
          p99: 3,
          max: 4,
          bad: 0,
          lateArrivals: 0,
        },
        {
          case: 'paused',
          targetRate: 1000,
          achievedRate: 999,
          deviationPercent: -0.1,
          p50: 1,
          p90: 30,
          p99: 800,
          max: 1001,
          bad: 0,
          lateArrivals: 0,
        },
      ],
      soak: soakFigures(
        [
          [0, 100],
          [590, 103],
        ],
        0.3,
      ),
      pauseMs: 1000,
    });
    expect(targets.slice(2).map((target) => target.verdict)).toEqual([
      'FAIL',
      'PASS',
      'FAIL',
      'PASS',
      'PASS',
    ]);
    expect(targets[6]?.value).toBe('0.3 MB/min (100 to 103 MB)');
  });
});

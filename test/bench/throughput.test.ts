import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  formatThroughput,
  type Generator,
  perRoundRatios,
  type RunFigures,
  roundOrder,
  runFigures,
  saturationNotes,
  summarize,
} from '../../bench/throughput.js';

const run = (
  generator: Generator,
  round: number,
  reqPerSec: number,
  cpu: Record<string, number> = {},
): RunFigures => ({
  generator,
  round,
  requests: reqPerSec * 10,
  bad: 0,
  reqPerSec,
  cpuMicrosPerRequest: 12,
  cpuUserMicrosPerRequest: 7,
  cpuSystemMicrosPerRequest: 5,
  labMicrosPerRequest: 60,
  cpuPercent: { client: 30, haproxy: 40, b1: 30, others: 0, ...cpu },
  seconds: 10,
});

describe('bench throughput figures', () => {
  it("charges the lab what the watched processes used, and the machine's rest to others", () => {
    const figures = runFigures(
      'autocannon',
      1,
      {
        result: undefined,
        cpuMicros: 2_000_000,
        cpu: { user: 1_200_000, system: 800_000 },
        watchedCpuMicros: { haproxy: 3_000_000, b1: 5_000_000 },
        windowMs: 10_000,
        machineBusyMicros: 12_000_000,
      },
      { requests: 100_000, durationMs: 10_000, bad: 2 },
    );
    expect(figures).toEqual({
      generator: 'autocannon',
      round: 1,
      requests: 100_000,
      bad: 2,
      reqPerSec: 10_000,
      cpuMicrosPerRequest: 20,
      cpuUserMicrosPerRequest: 12,
      cpuSystemMicrosPerRequest: 8,
      labMicrosPerRequest: 80,
      cpuPercent: { client: 20, haproxy: 30, b1: 50, others: 20 },
      seconds: 10,
    });
  });

  it('compares medians with autocannon to three decimals, and rounds within rounds', () => {
    const runs = [
      run('autocannon', 1, 25_000),
      run('session-chaos', 1, 24_900),
      run('autocannon', 2, 20_000),
      run('session-chaos', 2, 21_000),
      run('autocannon', 3, 30_000),
      run('session-chaos', 3, 29_000),
    ];
    const summary = summarize(runs);
    expect(summary['session-chaos']?.ratioToAutocannon).toBe(0.996);
    expect(summary['session-chaos']?.reqPerSec).toEqual({ median: 24_900, min: 21_000, max: 29_000 });
    expect(summary.autocannon?.ratioToAutocannon).toBe(1);
    expect(summary.wrk).toBeUndefined();
    expect(perRoundRatios(runs, 3)).toEqual([1, 1.05, 0.97]);
    expect(perRoundRatios(runs.slice(0, 1), 1)).toEqual([Number.NaN]);
  });

  it('rotates the order each round', () => {
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 2)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['a', 'b', 'c']);
  });

  it('says when a server, the machine or other processes limited a generator', () => {
    const servers = ['haproxy', 'b1'];
    expect(saturationNotes([run('wrk', 1, 30_000, { haproxy: 95 })], servers, 2)).toEqual([
      'note: wrk: haproxy used 95% of a core: the lab saturated before the client',
    ]);
    expect(
      saturationNotes([run('autocannon', 1, 25_000, { client: 60, b1: 70, others: 30 })], servers, 2),
    ).toEqual([
      'note: autocannon: the machine was full (200% of 200%): client, balancer and backends share the cores, ' +
        'so client CPU per request decides req/s',
      'note: autocannon: other processes on this machine used 30% of a core during the runs',
    ]);
    expect(saturationNotes([run('autocannon', 1, 25_000)], servers, 2)).toEqual([]);
  });

  it('prints a row per generator that ran, and wrk as not installed', () => {
    const runs = [run('autocannon', 1, 25_000), run('session-chaos', 1, 26_000)];
    const text = stripVTControlCharacters(
      formatThroughput(
        {
          runs,
          generators: summarize(runs),
          sessionChaosToAutocannonPerRound: [1.04],
          saturation: ['note: x'],
        },
        { generators: ['autocannon', 'session-chaos'], backends: ['b1'], redis: true, wrkInstalled: false },
      ),
    );
    expect(text).toMatch(/session-chaos\s+│ 26,000 \(26,000-26,000\)/);
    expect(text).toContain('1.04x');
    expect(text).toContain('30 / 40 / 30 (redis 0) / 0');
    expect(text).toMatch(/wrk\s+│ not installed/);
    expect(text).toContain('session-chaos / autocannon within each round: 1.04x');
    expect(text).toContain('note: x');
  });
});

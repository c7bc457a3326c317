import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatMemory, kilobytesPerAddedUser } from '../../bench/memory.js';
import { formatOffline } from '../../bench/offline.js';
import { formatOpenModel, openFigures } from '../../bench/open-model.js';
import { formatSoak } from '../../bench/soak.js';
import { soakFigures } from './figures.js';

describe('bench sections, what they print', () => {
  it('memory: KB per added user between rows', () => {
    const rows = [
      { users: 10_000, loggedIn: 10_000, rssAfterLoginMb: 110, maxRssMb: 125, heapAfterLoginMb: 12 },
      { users: 100_000, loggedIn: 100_000, rssAfterLoginMb: 160, maxRssMb: 177.5, heapAfterLoginMb: 90.6 },
    ];
    expect(kilobytesPerAddedUser(rows)).toEqual([undefined, (52.5 * 1024) / 90_000]);
    const text = stripVTControlCharacters(formatMemory(rows));
    expect(text).toMatch(/100,000 of 100,000\s+│ 160\s+│ 177.5\s+│ 0.60\s+│ 90.6/);
    expect(text).toMatch(/10,000 of 10,000\s+│ 110\s+│ 125\s+│ -\s+│ 12/);
  });

  it('open model: the achieved rate against the target, in percent', () => {
    const row = openFigures('steady', 1000, {
      requests: 5994,
      durationMs: 6000,
      bad: 0,
      loggedIn: 200,
      lateArrivals: 1,
      latency: { p50: 1.5, p90: 3, p99: 9, max: 20 },
      backendShare: {},
      rssAfterLogin: 0,
      maxRss: 0,
      heapAfterLogin: 0,
    });
    expect(row).toMatchObject({ achievedRate: 999, deviationPercent: -0.1, lateArrivals: 1, p99: 9 });
    const text = stripVTControlCharacters(formatOpenModel([row, { ...row, case: 'paused' }], 'b2 stopped'));
    expect(text).toMatch(/steady\s+│ 1000\s+│ 999\s+│ -0.1%/);
    expect(text).toMatch(/b2 stopped\s+│/);
  });

  it('offline: the median CPU per request and the rate on one core', () => {
    const run = (requests: number, cpu: number) => ({
      requests,
      cpuMicrosPerRequest: cpu,
      cpuUserMicrosPerRequest: cpu,
      cpuSystemMicrosPerRequest: 0,
    });
    expect(
      formatOffline(
        { runs: [run(1_000_000, 4.1), run(1_200_000, 3.9)], summary: { median: 4, min: 3.9, max: 4.1 } },
        50,
      ),
    ).toBe(
      "Offline: session-chaos's own CPU per request, network replaced by a stand-in (50 VUs, 2 x 5 s): " +
        '4.00 (3.90-4.10) us (220,000 req/s on one core)\n',
    );
  });

  it('soak: the series and both slopes', () => {
    const text = formatSoak(
      soakFigures(
        [
          [0, 100],
          [10, 101],
        ],
        6,
      ),
    );
    expect(text).toContain('300,000 requests (15,000 req/s), 0 not ok');
    expect(text).toContain('RSS (MB) by second: 0s 100, 10s 101');
    expect(text).toContain('slope 6 MB/min over the run, 6 MB/min over its second half');
  });
});

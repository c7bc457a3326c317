import { describe, expect, it } from 'vitest';
import { parseFailovers, sentinelConfig } from '../../src/lab/redis-sentinel.js';
import { fixtureText } from '../helpers/fixture-text.js';

describe('the redis-sentinel store', () => {
  it("reads Sentinel's failovers from its log", () => {
    // A primary on 26401 subjectively down, the replica on 26403 promoted, the switch.
    const log = fixtureText('sentinel-failover.txt');
    expect(parseFailovers(log)).toEqual([
      { atMs: new Date('04 Dec 2026 01:30:23.444').getTime(), from: 26401, to: 26403 },
    ]);
    expect(parseFailovers('')).toEqual([]);
  });

  it('watches the primary with the replica known, and keeps the lagging link in place', () => {
    const config = sentinelConfig({ primary: 1, relay: 2, replica: 3, sentinel: 4 }, '/tmp/s');
    expect(config).toContain('sentinel monitor sessions 127.0.0.1 1 1\n');
    expect(config).toContain('sentinel known-replica sessions 127.0.0.1 3\n');
    expect(config).toContain('sentinel down-after-milliseconds sessions 1000\n');
    // Sentinel would point the replica at the primary itself (bypassing the relay) after failover-timeout.
    expect(config).toContain('sentinel failover-timeout sessions 86400000\n');
  });
});

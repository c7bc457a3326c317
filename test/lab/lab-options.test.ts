import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { resolveLabOptions } from '../../src/lab/options.js';
import { waitUntil } from '../../src/lab/wait.js';
import { manualClock } from '../../src/util/clock.js';

describe('resolveLabOptions', () => {
  it('fills defaults: 3 backends in Docker, 100 users, 200 ms replication lag, 401 when logged out', () => {
    expect(resolveLabOptions({ balancer: 'haproxy-cookie', sessions: 'memory' })).toMatchObject({
      backends: 3,
      runtime: 'docker',
      users: 100,
      password: 'chaos',
      replicationLagMs: 200,
      loggedOut: 401,
      jwtDivergentSecret: false,
      wrongUserRate: 0,
      keepAfterExit: false,
    });
  });

  it('names each bad option', () => {
    const bad = { balancer: 'traefik', sessions: 'memory', backends: 0 } as never;
    expect(() => resolveLabOptions(bad)).toThrow(UsageError);
    expect(() => resolveLabOptions(bad)).toThrow(/balancer:[\s\S]*backends:/);
  });

  it('allows a divergent JWT secret only in jwt mode', () => {
    expect(() =>
      resolveLabOptions({ balancer: 'nginx-iphash', sessions: 'redis', jwtDivergentSecret: true }),
    ).toThrow(/jwtDivergentSecret/);
  });
});

describe('waitUntil', () => {
  it('polls until the check holds, and times out on the injected clock with what it waited for', async () => {
    const clock = manualClock();
    let calls = 0;
    await waitUntil(async () => ++calls === 3, { what: 'x', timeoutMs: 1000, clock, sleep: async () => {} });
    expect(calls).toBe(3);

    const sleep = async (ms: number) => clock.advance(ms);
    await expect(
      waitUntil(async () => false, {
        what: 'backend b1 to answer',
        timeoutMs: 200,
        intervalMs: 50,
        clock,
        sleep,
      }),
    ).rejects.toThrow('timed out after 200 ms waiting for backend b1 to answer');
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../src/lab/index.js';
import { loadPlan } from '../../src/profile/load.js';
import { executeRun } from '../../src/run/run.js';
import type { CollectingSink } from '../helpers/engine-fixtures.js';
import { bundleBackend, call } from '../lab/helpers.js';
import { measure, variant } from './helpers.js';

/**
 * Seed claims on session clustering (round robin over 3 backends that replicate sessions to each other after
 * a lag): no mismatch when a backend restarts; a request that beats the replication lag finds no session (and
 * none does once the think time exceeds the lag); every backend holds every session.
 */

/** For each mismatch: how long after its user's latest login it was sent, and its place among that user's requests since. */
function mismatchTiming(records: CollectingSink): { sinceLogin: number; index: number }[] {
  const timings: { sinceLogin: number; index: number }[] = [];
  const byVu = new Map<number, { start: number; class: string }[]>();
  for (const { record, classification } of records.responses) {
    const list = byVu.get(record.vu) ?? [];
    list.push({ start: record.start, class: classification.class });
    byVu.set(record.vu, list);
  }
  for (const [vu, responses] of byVu) {
    const logins = records.logins.filter((login) => login.vu === vu && login.outcome === 'login_ok');
    responses.sort((a, b) => a.start - b.start);
    for (const response of responses) {
      if (response.class !== 'mismatch') continue;
      const login = logins.filter((candidate) => candidate.end <= response.start).at(-1);
      if (login === undefined) throw new Error(`VU ${vu}: a mismatch before any login`);
      const index = responses.filter(
        (other) => other.start >= login.end && other.start < response.start,
      ).length;
      timings.push({ sinceLogin: response.start - login.end, index });
    }
  }
  return timings;
}

describe('claim: session clustering', () => {
  beforeAll(() => bundleBackend());

  it('loses no session when a backend restarts (Docker, chaos in the run)', async () => {
    const { summary, result, records } = await measure(variant('clustering.yaml'), 'docker');
    const restart = result.chaos.find((entry) => entry.kind === 'action' && entry.action === 'restart');
    expect(restart?.outcome).toBe('done');
    const restarted = restart?.target?.split('-').at(-1);
    // Exact: the restarted backend copies every session from a peer as it rejoins, so nothing is missed in
    // the window after the restart, and it serves the sessions made before it went down.
    expect(summary.impact[0]?.mismatches).toBe(0);
    // The journal counts from the traffic phase's start; the records from the run's.
    const trafficStart = summary.trafficStartedAt ?? 0;
    const restartAt = (restart?.at ?? 0) + trafficStart;
    expect(
      records.responses
        .filter(({ classification }) => classification.class === 'mismatch')
        .every(({ record }) => record.end < restartAt),
    ).toBe(true);
    const servedAfter = records.responses.filter(
      ({ record, classification }) =>
        classification.backend === restarted &&
        classification.class === 'ok' &&
        record.start > (restart?.backAt ?? 0) + trafficStart + 1000,
    );
    expect(servedAfter.length).toBeGreaterThan(0);
  });

  it('misses when the next request beats the replication lag, and only then', async () => {
    // A 300 ms lag. With 20 ms think time a user's next several requests come within the lag of its login;
    // relogin never keeps the first session, so every miss is a request that came too soon.
    const fast = await measure(
      variant('clustering.yaml', {
        traffic: { duration: '3s', thinkTime: '20ms' },
        relogin: 'never',
        chaos: undefined, // its restart at 3 s would be past the end of this 3 s run
        lab: { replicationLag: '300ms' },
      }),
      'process',
    );
    const fastTimings = mismatchTiming(fast.records);
    expect(fastTimings.length).toBeGreaterThan(20);
    // The replica lands 300 ms after the login plus one HTTP hop between backends. On an idle machine the hop
    // takes milliseconds; on this shared two-core machine (load average above 10 while the suites of other
    // branches ran) timers and the hop were late by up to 430 ms. So: most misses (90%) come within the lag
    // plus 150 ms of the login, and none after 1.5 s, halfway through the 3 s run: the misses stop.
    const sinceLogin = fastTimings.map((timing) => timing.sinceLogin).sort((a, b) => a - b);
    expect(sinceLogin[Math.floor(sinceLogin.length * 0.9)]).toBeLessThan(300 + 150);
    expect(sinceLogin.at(-1)).toBeLessThan(1500);
    // Misses are not only a user's first request: later ones within the lag miss too.
    expect(fastTimings.some((timing) => timing.index > 0)).toBe(true);

    // With 1 s think time (more than the lag, with room for the late timers above) only a user's first request
    // can come within the lag (it starts at a random point within one think time); every later one finds the
    // session. Exact.
    const slow = await measure(
      variant('clustering.yaml', {
        traffic: { duration: '3s', thinkTime: '1s' },
        relogin: 'never',
        chaos: undefined,
        lab: { replicationLag: '300ms' },
      }),
      'process',
    );
    const slowTimings = mismatchTiming(slow.records);
    expect(slowTimings.every((timing) => timing.index === 0)).toBe(true);
    expect(slow.summary.mismatchRate.mismatches).toBeLessThanOrEqual(20);
  });

  describe('memory', () => {
    let replicated: Lab;
    let memory: Lab;
    beforeAll(async () => {
      replicated = await startLab({
        balancer: 'haproxy-roundrobin',
        sessions: 'replicated',
        runtime: 'process',
      });
      memory = await startLab({ balancer: 'haproxy-roundrobin', sessions: 'memory', runtime: 'process' });
    });
    afterAll(async () => {
      await replicated?.stop();
      await memory?.stop();
    });

    async function sessionsPerBackend(lab: Lab): Promise<number[]> {
      const path = variant('clustering.yaml', {
        chaos: undefined,
        relogin: 'never',
        traffic: { duration: '1s' },
      });
      await executeRun(await loadPlan(path, { flags: { target: lab.url } }));
      await sleep(500); // the lab's default lag is 200 ms
      return Promise.all(
        lab.backends.map(async (backend) => Number((await call(`${backend.url}/stats`)).body?.sessions)),
      );
    }

    it('has every backend hold every session (GET /stats), where memory sessions are split', async () => {
      // Exact: the preflight's probe login and the 20 users' logins make 21 sessions (relogin never).
      // Replicated: each of the 3 backends holds all 21. Memory: each is on the backend that made it, 21 in all.
      expect(await sessionsPerBackend(replicated)).toEqual([21, 21, 21]);
      const split = await sessionsPerBackend(memory);
      expect(split.reduce((sum, count) => sum + count, 0)).toBe(21);
      expect(Math.max(...split)).toBeLessThan(21);
    });
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BalancerKind } from '../../src/lab/balancer/registry.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { scaleIn, scaleOut } from '../../src/lab/scale.js';
import type { SessionMode } from '../../src/lab-contract/backend-config.js';
import type { GroundTruthLine } from '../../src/lab-contract/backend-records.js';
import type { Summary } from '../../src/metrics/summary.js';
import { loadPlan } from '../../src/profile/load.js';
import { executeRun } from '../../src/run/run.js';
import { bundleBackend } from '../lab/helpers.js';
import { variant } from './helpers.js';

/**
 * The seed's cloud claim: "the number of servers changes dynamically (auto scaling)", and session-based
 * authentication then breaks where a stateless token does not. Measured on the lab (process backends) with
 * the lab's own scale out and scale in (`src/lab/scale.ts`, the `lab scale` the chaos drivers run), during a
 * run of the shipped profiles, against the backends' logs.
 */

const users = 40;
let lab: Lab | undefined;

async function runWhile(
  profile: string,
  patch: Record<string, unknown>,
  atMs: number,
  act: (lab: Lab) => Promise<unknown>,
): Promise<{ summary: Summary; truth: GroundTruthLine[]; actedAt: number; doneAt: number }> {
  if (lab === undefined) throw new Error('no lab');
  const running = lab;
  const path = variant(profile, { chaos: undefined, ...patch });
  const plan = await loadPlan(path, { flags: { target: running.url } });
  let actedAt = 0;
  let doneAt = 0;
  const acting = (async () => {
    await sleep(atMs);
    actedAt = Date.now();
    await act(running);
    doneAt = Date.now();
  })();
  const [result] = await Promise.all([executeRun(plan), acting]);
  return { summary: result.summary, truth: await running.readGroundTruth(), actedAt, doneAt };
}

const meLines = (truth: GroundTruthLine[]): GroundTruthLine[] =>
  truth.filter((line) => line.path === '/me' && line.vuId !== null);

function vusOn(truth: GroundTruthLine[], backend: string): Set<string> {
  return new Set(
    meLines(truth)
      .filter((line) => line.backend === backend)
      .map((line) => line.vuId ?? ''),
  );
}

async function labOf(balancer: BalancerKind, sessions: SessionMode): Promise<Lab> {
  // The lag the clustering profile's lab asks for (its think time is longer).
  lab = await startLab({ balancer, sessions, runtime: 'process', users: 200, replicationLagMs: 100 });
  return lab;
}

describe('claim: scaling (auto scaling) and sessions', () => {
  beforeAll(() => bundleBackend());
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  it('scale out behind a consistent source hash: memory sessions of the users the new server takes are lost', async () => {
    await labOf('haproxy-source', 'memory');
    const { summary, truth } = await runWhile(
      'sticky-source-ip.yaml',
      { traffic: { users, duration: '8s' } },
      3000,
      (running) => scaleOut(running.id),
    );
    const taken = vusOn(truth, 'b4');
    const share = taken.size / users;
    console.log(
      `scale out, haproxy-source, memory: ${taken.size} of ${users} users moved to b4 (${(share * 100).toFixed(1)}%; 1/(N+1) = 25%), ` +
        `${summary.relogins.usersAffected} logged in again, ${summary.mismatchRate.mismatches} mismatches`,
    );
    // Ground truth: the users who logged in again are exactly those the new server took.
    expect(summary.relogins.usersAffected).toBe(taken.size);
    expect(summary.mismatchRate.mismatches).toBe(taken.size);
    // About 1/(N+1) of the users (a consistent hash of 40 addresses over HAProxy's ring is not exact).
    expect(share).toBeGreaterThan(0.25 / 2.5);
    expect(share).toBeLessThan(0.25 * 2.5);
  }, 120_000);

  it('scale out behind a sticky cookie: no one moves; only new logins reach the new backend (load skew)', async () => {
    await labOf('haproxy-cookie', 'memory');
    let newcomers: Summary | undefined;
    let scaledAt = 0;
    const { summary, truth } = await runWhile(
      'sticky-cookie.yaml',
      { traffic: { users: 30, duration: '8s' } },
      2000,
      async (running) => {
        await scaleOut(running.id);
        scaledAt = Date.now();
        // Users who log in after the scale out: round robin spreads them over all four.
        const plan = await loadPlan(
          variant('sticky-cookie.yaml', {
            chaos: undefined,
            auth: { credentials: { start: 101 } },
            traffic: { users: 20, duration: '3s' },
          }),
          { flags: { target: running.url } },
        );
        newcomers = (await executeRun(plan)).summary;
      },
    );
    expect(summary.relogins.total).toBe(0);
    expect(summary.mismatchRate.mismatches).toBe(0);
    const oldOnB4 = [...vusOn(truth, 'b4')].filter((vu) => !/^1\d\d$/.test(vu));
    expect(oldOnB4).toEqual([]);
    const newOnB4 = vusOn(truth, 'b4');
    expect(newOnB4.size).toBeGreaterThanOrEqual(3);
    expect(newcomers?.relogins.total).toBe(0);
    // The skew right after the scale out: per second, the busiest backend's requests over the mean of four.
    const perSecond = new Map<number, Map<string, number>>();
    for (const line of meLines(truth)) {
      const t = Math.floor((Date.parse(line.time) - scaledAt) / 1000);
      if (t < -1) continue;
      const counts = perSecond.get(t) ?? new Map<string, number>();
      counts.set(line.backend, (counts.get(line.backend) ?? 0) + 1);
      perSecond.set(t, counts);
    }
    const skews = [...perSecond.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([t, counts]) => {
        const total = ['b1', 'b2', 'b3', 'b4'].reduce((sum, b) => sum + (counts.get(b) ?? 0), 0);
        return { t, skew: Math.max(...counts.values()) / (total / 4), b4: counts.get('b4') ?? 0 };
      });
    console.log(
      `scale out, haproxy-cookie, memory: 0 of 30 users moved; ${newOnB4.size} of 20 newcomers on b4; skew per second after it: ${skews
        .map((s) => `+${s.t}s ${s.skew.toFixed(2)} (b4 ${s.b4})`)
        .join(', ')}`,
    );
    // Right after the scale out, the old users' load stays on three of four backends: about 4/3.
    const first = skews.find((s) => s.t === 0);
    expect(first?.skew ?? 0).toBeGreaterThan(1.2);
  }, 120_000);

  const scaleInCases: [string, BalancerKind, SessionMode, string][] = [
    ['sticky-cookie.yaml', 'haproxy-cookie', 'memory', 'memory'],
    ['external-store-redis.yaml', 'haproxy-roundrobin', 'redis', 'Redis'],
    ['jwt.yaml', 'haproxy-roundrobin', 'jwt', 'JWT'],
    ['clustering.yaml', 'haproxy-roundrobin', 'replicated', 'clustering'],
  ];
  for (const [profile, balancer, sessions, label] of scaleInCases) {
    it(`scale in (${label}): ${sessions === 'memory' ? "the removed backend's users log in again" : 'no one logs in again'}`, async () => {
      await labOf(balancer, sessions);
      const { summary, truth, actedAt } = await runWhile(
        profile,
        { traffic: { users: 30, duration: '7s' } },
        3000,
        (running) => scaleIn(running.id, 'b2'),
      );
      const onB2Before = new Set(
        meLines(truth)
          .filter((line) => line.backend === 'b2' && Date.parse(line.time) < actedAt)
          .map((line) => line.vuId ?? ''),
      );
      const afterLogin = (vu: string): boolean =>
        meLines(truth).some((line) => line.vuId === vu && Date.parse(line.time) > actedAt);
      // Ground truth: the requests a backend answered without the session, from the scale in on.
      const missedAfter = meLines(truth).filter(
        (line) => line.sessionFound === false && Date.parse(line.time) >= actedAt,
      ).length;
      console.log(
        `scale in, ${balancer}, ${label}: ${summary.relogins.usersAffected} of 30 users logged in again ` +
          `(${onB2Before.size} had been served by b2), ${summary.mismatchRate.mismatches} mismatches, ` +
          `${summary.counts.classes.error} errors; ${missedAfter} requests without their session after it`,
      );
      if (sessions === 'memory') {
        // Pinned by cookie: the removed backend's users, and only they, lose their session.
        expect(summary.relogins.usersAffected).toBe(onB2Before.size);
        expect(onB2Before.size).toBeGreaterThanOrEqual(5);
        expect([...onB2Before].every(afterLogin)).toBe(true);
      } else {
        expect(missedAfter).toBe(0);
        // Clustering's re-logins are first requests that beat the replication lag after login, before the
        // scale in (its profile says so); Redis and JWT have none at all.
        if (sessions !== 'replicated') expect(summary.relogins.total).toBe(0);
      }
    }, 120_000);
  }
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../src/lab/index.js';
import { isRunning, type OwnedProcess, signalOwned } from '../../src/lab/processes.js';
import { redisAnswers, startRedis } from '../../src/lab/redis.js';
import { waitUntil } from '../../src/lab/wait.js';
import { loadPlan } from '../../src/profile/load.js';
import { executeRun } from '../../src/run/run.js';
import { testDir } from '../helpers/test-dir.js';
import { bundleBackend } from '../lab/helpers.js';
import { measure, variant } from './helpers.js';

/**
 * Seed claims on storage separation (sessions in Redis, round robin over 3 backends): backend restarts lose
 * nothing; the store is a single point of failure.
 */
describe('claim: external session store (Redis)', () => {
  beforeAll(() => bundleBackend());

  it('gives no mismatch and no re-login through a backend restart (Docker, chaos in the run)', async () => {
    const { summary, result } = await measure(variant('external-store-redis.yaml'), 'docker');
    expect(result.chaos.find((entry) => entry.kind === 'action')?.outcome).toBe('done');
    // Exact: the restarted backend reads the same Redis when it is back.
    expect(summary.mismatchRate.mismatches).toBe(0);
    expect(summary.relogins.total).toBe(0);
    expect(result.verdict.status).toBe('passed');
  });

  describe('restarting Redis', () => {
    let lab: Lab;
    let replacement: OwnedProcess | undefined;
    beforeAll(async () => {
      lab = await startLab({ balancer: 'haproxy-roundrobin', sessions: 'redis', runtime: 'process' });
    });
    afterAll(async () => {
      if (replacement !== undefined) signalOwned(replacement, 'SIGTERM');
      await lab?.stop();
    });

    it('loses every session: every user logs in again, after errors while it is down', async () => {
      const redis = lab.redis;
      if (redis === undefined) throw new Error('the lab has no Redis');
      const port = Number(new URL(redis.url).port);
      const path = variant('external-store-redis.yaml', { chaos: undefined, traffic: { duration: '5s' } });
      const run = executeRun(await loadPlan(path, { flags: { target: lab.url } }));
      // Driven by the test, not by chaos: the lab's Redis is a process (chaos acts on containers). About 1.5 s
      // into the traffic it is stopped and a new, empty one (the lab's keeps nothing on disk) takes its port.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      process.kill(redis.pid, 'SIGTERM');
      await waitUntil(async () => !(await redisAnswers(port)), { what: 'Redis to stop', timeoutMs: 5000 });
      replacement = startRedis(testDir('session-chaos-redis-'), port).process;
      await waitUntil(async () => isRunning(replacement as OwnedProcess) && redisAnswers(port), {
        what: 'the new Redis to answer',
        timeoutMs: 5000,
      });
      const { summary } = await run;
      // Exact: every session was in the old Redis, so every user's next request after the restart is refused
      // (a mismatch) and the user logs in again; while Redis is down the backends answer 500 (the lab's store
      // fails fast instead of queueing), counted as errors.
      expect(summary.relogins.usersAffected).toBe(20);
      expect(summary.relogins.byCause.mismatch).toBeGreaterThanOrEqual(20);
      expect(summary.counts.classes.error).toBeGreaterThan(0);
      expect(summary.counts.reasons.http_5xx).toBe(summary.counts.classes.error);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResponseClass } from '../../src/classify/types.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { executeRun } from '../../src/run/run.js';
import { planFor } from '../helpers/engine-fixtures.js';
import { bundleBackend } from '../lab/helpers.js';

/**
 * The reference path (issue 18 point 3): the same lab profile run through the engine's client and through
 * undici gives the same class counts. One user with a fixed seed makes the mix the same sequence both ways;
 * twenty users through one pool show the counts hold under concurrency.
 */
let lab: Lab;
beforeAll(async () => {
  bundleBackend();
  lab = await startLab({ balancer: 'haproxy-roundrobin', sessions: 'redis', users: 30 });
});
afterAll(async () => {
  await lab?.stop();
});

async function classCounts(client: 'engine' | 'undici', users: number, requests: number) {
  const plan = planFor(lab.url, {
    target: { client },
    auth: { credentials: { password: lab.password } },
    classify: { identity: { from: 'json', path: 'user' } },
    traffic: {
      users,
      requests,
      seed: 7,
      mix: [
        { path: '/me', weight: 3 },
        { path: '/no-such-page', weight: 1, public: true },
      ],
    },
  });
  plan.secrets = [lab.password];
  const result = await executeRun(plan, { sinks: [] });
  expect(result.loggedIn).toBe(users);
  return result.summary.counts.classes as Record<ResponseClass, number>;
}

describe('target.client: undici, the reference path', () => {
  it('one user, one sequence: the same class counts both ways', async () => {
    const engine = await classCounts('engine', 1, 200);
    const undici = await classCounts('undici', 1, 200);
    expect(undici).toEqual(engine);
    expect(engine.ok).toBeGreaterThan(0);
    expect(engine.unexpected).toBeGreaterThan(0);
    expect(engine.ok + engine.unexpected).toBe(200);
  });

  it('twenty users: every answer classed alike, no error either way', async () => {
    const engine = await classCounts('engine', 20, 600);
    const undici = await classCounts('undici', 20, 600);
    for (const counts of [engine, undici]) {
      expect(counts.error).toBe(0);
      expect(counts.mismatch).toBe(0);
      expect(counts.ok + counts.unexpected).toBe(600);
    }
  });
});

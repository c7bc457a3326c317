import { describe, expect, it } from 'vitest';
import type { ResponseClass } from '../../src/classify/types.js';
import { executeRun } from '../../src/run/run.js';
import { compileMix } from '../../src/traffic/mix.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { nextRandom } from '../../src/util/random.js';
import { planFor, profileFor } from '../helpers/engine-fixtures.js';
import { sharedLab } from '../lab/helpers.js';

/**
 * The reference path: the same lab profile run through the engine's client and through
 * undici gives the same class counts. Sessions are in Redis, so routing cannot change a class: each class
 * follows from which mix entry a request drew. One user with a fixed seed makes the mix the same sequence
 * both ways; a hundred users with one request each do too (every user claims its request before any answer
 * can arrive, and draws it from its own seeded stream), so their counts are known before the run.
 */
const lab = sharedLab({ balancer: 'haproxy-roundrobin', sessions: 'redis', users: 100 });

const seed = 7;
const mix = [
  { path: '/me', weight: 3 },
  { path: '/no-such-page', weight: 1, public: true },
];

async function classCounts(client: 'engine' | 'undici', users: number, requests: number) {
  const plan = planFor(lab().url, {
    // Long enough that a loaded machine never turns an answer into a timeout.
    target: { client, timeout: '30s' },
    auth: { credentials: { password: lab().password } },
    classify: { identity: { from: 'json', path: 'user' } },
    traffic: { users, requests, seed, mix },
  });
  plan.secrets = [lab().password];
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

  it('a hundred users, one request each: the class counts the seed predicts, both ways', async () => {
    const users = 100;
    const entries = compileMix(profileFor(lab().url, { traffic: { mix } }).traffic.mix, lab().url);
    // Users are numbered from auth.credentials.start (1); each one's first draw picks its request.
    const drawn = Array.from(
      { length: users },
      (_, index) =>
        entries.pick(nextRandom(createVirtualUser(index + 1, { username: '', password: '' }, seed))).path,
    );
    const notFound = drawn.filter((path) => path === '/no-such-page').length;
    const engine = await classCounts('engine', users, users);
    const undici = await classCounts('undici', users, users);
    expect(engine).toEqual(undici);
    expect(engine).toMatchObject({ ok: users - notFound, unexpected: notFound, error: 0, mismatch: 0 });
    expect(notFound).toBeGreaterThan(10);
    expect(notFound).toBeLessThan(40);
  });

  it('twenty users, six hundred requests shared: every answer classed alike, no error either way', async () => {
    const engine = await classCounts('engine', 20, 600);
    const undici = await classCounts('undici', 20, 600);
    for (const counts of [engine, undici]) {
      expect(counts.error).toBe(0);
      expect(counts.mismatch).toBe(0);
      expect(counts.ok + counts.unexpected).toBe(600);
    }
  });
});

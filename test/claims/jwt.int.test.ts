import { beforeAll, describe, expect, it } from 'vitest';
import { bundleBackend } from '../lab/helpers.js';
import { measure, variant } from './helpers.js';

/**
 * Seed claim: with tokens (JWT) no server keeps session state, so restarting servers logs no one out. What can
 * still break it: a server that verifies with another secret; and a token past its exp is a legitimate
 * logout, which must be counted as expired, not as a mismatch.
 */
describe('claim: JWT (round robin over 3 jwt backends)', () => {
  beforeAll(() => bundleBackend());

  it('loses no one through a rolling restart of every backend (Docker, chaos in the run)', async () => {
    const { summary, result } = await measure(variant('jwt.yaml'), 'docker');
    const restarts = result.chaos.filter((entry) => entry.kind === 'action' && entry.action === 'restart');
    expect(restarts.map((entry) => entry.outcome)).toEqual(['done', 'done', 'done']);
    // Exact: a token is valid on every backend, restarted or not. Requests that reach a backend while it
    // restarts are errors (refused or reset before HAProxy takes it out), never mismatches.
    expect(summary.mismatchRate.mismatches).toBe(0);
    expect(summary.relogins.total).toBe(0);
    expect(summary.counts.classes.ok).toBeGreaterThan(1000);
    expect(result.verdict.status).toBe('passed');
  });

  it('gives mismatches when one backend has a divergent secret (about 4/9 with 3 backends)', async () => {
    const path = variant('jwt.yaml', {
      traffic: { duration: '3s' },
      relogin: 'never',
      // The profile's rolling restart would take each backend out of the rotation for a while, and so move the
      // shares below by how long each restart took on this machine.
      chaos: undefined,
      lab: { jwtDivergentSecret: true },
    });
    const { summary } = await measure(path, 'process');
    // A user who logged in on one of the two agreeing backends is refused by the odd one (1/3 of its
    // requests); one who logged in on the odd backend is refused by the other two (2/3). A third of the logins
    // land on each: 2/3 * 1/3 + 1/3 * 2/3 = 4/9. Interleaving moves each user's share a little: ±0.06.
    expect(summary.mismatchRate.value).toBeGreaterThan(4 / 9 - 0.06);
    expect(summary.mismatchRate.value).toBeLessThan(4 / 9 + 0.06);
  });

  it('counts a token past its exp as expired, not as a mismatch', async () => {
    const path = variant('jwt.yaml', {
      traffic: { duration: '3500ms' },
      chaos: undefined,
      lab: { sessionTtl: '1s' },
    });
    const { summary } = await measure(path, 'process');
    const { classes } = summary.counts;
    // 1 s tokens over 3.5 s: every user's token runs out at least twice, and each time it logs in again for
    // it. Exact: no refusal is a mismatch, since every backend accepts an unexpired token.
    expect(classes.mismatch).toBe(0);
    expect(classes.expired).toBeGreaterThanOrEqual(20 * 2);
    expect(summary.relogins.byCause).toEqual({ mismatch: 0, expired: classes.expired });
  });
});

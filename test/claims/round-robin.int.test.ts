import { beforeAll, describe, expect, it } from 'vitest';
import { bundleBackend } from '../lab/helpers.js';
import { measure, variant } from './helpers.js';

/**
 * Seed claim: behind a balancer that does not pin users, a session kept in one server's memory is missing when
 * the next request lands elsewhere. With N backends a request reaches the login backend one time in N, so the
 * mismatch rate is about (N-1)/N. Measured with relogin never, so that every request after the login counts.
 */
describe('claim: round robin over memory sessions misses (N-1)/N of requests', () => {
  beforeAll(() => bundleBackend());

  for (const backends of [2, 3]) {
    it(`with ${backends} backends: mismatch rate near ${backends - 1}/${backends}, even load`, async () => {
      const path = variant('round-robin-memory.yaml', {
        traffic: { duration: '4s' },
        lab: { backends },
      });
      const { summary, result } = await measure(path, 'process');
      const expected = (backends - 1) / backends;
      // Round robin is a strict rotation, but the 20 users' requests interleave, so each user's share of its
      // login backend wanders around 1/N: ±0.05 covers it (the lab's metrics tests see ±0.02 with 60 requests
      // per user; here there are more than 100 per user).
      expect(summary.mismatchRate.value).toBeGreaterThan(expected - 0.05);
      expect(summary.mismatchRate.value).toBeLessThan(expected + 0.05);
      expect(summary.loadSkew).toBeLessThan(1.1);
      expect(summary.wrongUser).toBe(0);
      // The profile's own verdict: its mismatch threshold fails, its load threshold holds.
      expect(result.verdict.failed).toEqual(['mismatchRate<0.01']);
    });
  }
});

import { beforeAll, describe, expect, it } from 'vitest';
import { bundleBackend } from '../lab/helpers.js';
import { measure, variant } from './helpers.js';

/**
 * Seed claim: sticky sessions by client IP pin each client to a server, at the price of balance: every client
 * behind one address (NAT, a proxy, or all of the lab's on 127.0.0.1) is one "user" to the balancer.
 * nginx ip_hash hashes the first three octets, so the spread profile puts each user on its own 127.0.N.x.
 */
describe('claim: sticky by source IP (nginx ip_hash over 3 memory backends)', () => {
  beforeAll(() => bundleBackend());

  it('puts every user on one backend when every client has one address (load skew N = 3)', async () => {
    const path = variant('sticky-source-ip.yaml', {
      traffic: { duration: '3s', sourceAddresses: undefined },
    });
    const { summary } = await measure(path, 'process');
    // Exact: one address hashes to one backend, so all requests go there; the other two, known from the lab,
    // answer nothing. Largest share / mean share = 1 / (1/3) = 3.
    const answered = Object.values(summary.backendShare).filter((share) => share.count > 0);
    expect(Object.keys(summary.backendShare)).toHaveLength(3);
    expect(answered).toHaveLength(1);
    expect(answered[0]?.share).toBe(1);
    expect(answered[0]?.pinnedVus).toBe(20);
    expect(summary.loadSkew).toBe(3);
    expect(summary.pinSkew).toBe(3);
    expect(summary.mismatchRate.mismatches).toBe(0);
  });

  it('evens the load when the addresses are spread, and stays sticky', async () => {
    const { summary, result } = await measure(
      variant('sticky-source-ip.yaml', { traffic: { duration: '3s' } }),
      'process',
    );
    expect(Object.keys(summary.backendShare)).toHaveLength(3);
    // 20 addresses hashed onto 3 backends are not split 7/7/6 exactly; with the seeded addresses the lab
    // gives below 1.8 (3.0 would be all on one), which is the profile's own threshold.
    expect(summary.loadSkew).toBeLessThan(1.8);
    expect(summary.affinity).toBe(1);
    expect(summary.mismatchRate.mismatches).toBe(0);
    expect(result.verdict.status).toBe('passed');
  });
});

import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import type { BalancerKind } from '../../src/lab/balancer/registry.js';
import type { Lab } from '../../src/lab/index.js';
import { scaleIn, scaleOut } from '../../src/lab/scale.js';
import { readLabState } from '../../src/lab/state.js';
import { labStatus } from '../../src/lab/status.js';
import { call, labPerTest } from './helpers.js';

/** The backends 32 clients reach, each from an address and with a session cookie of its own (any kind spreads them). */
async function reached(lab: Lab): Promise<Set<string>> {
  const backends = new Set<string>();
  await Promise.all(
    Array.from({ length: 32 }, async (_, n) => {
      const agent = new Agent({ localAddress: `127.0.${n + 1}.1` });
      try {
        const answer = await call(`${lab.url}/healthz`, {
          dispatcher: agent,
          headers: { cookie: `sid=c${n}` },
        });
        if (answer.backend !== undefined) backends.add(answer.backend);
      } finally {
        await agent.close();
      }
    }),
  );
  return backends;
}

/**
 * A scale out starts b4 and the balancer sends to it; a scale in drains b2 out of the balancer and stops it:
 * on each balancer family, with process backends (and HAProxy with Docker ones).
 */
describe('lab scale out and in', () => {
  const startLab = labPerTest({ sessions: 'memory' });

  const cases: [BalancerKind, 'process' | 'docker'][] = [
    ['haproxy-cookie', 'process'],
    ['nginx-cookie-hash', 'process'],
    ['builtin-source', 'process'],
    ['haproxy-source', 'docker'],
  ];
  for (const [kind, runtime] of cases) {
    it(`${kind}, ${runtime} backends`, async () => {
      const lab = await startLab({ balancer: kind, runtime });
      const added = await scaleOut(lab.id);
      expect(added.name).toBe('b4');
      expect(await reached(lab)).toContain('b4');

      const removed = await scaleIn(lab.id, 'b2');
      expect(removed.name).toBe('b2');
      const after = await reached(lab);
      expect(after).not.toContain('b2');
      expect(after).toContain('b4');
      const status = await labStatus(readLabState(lab.id));
      expect(status.backends.map((b) => `${b.name} ${b.state}`)).toEqual([
        'b1 running',
        'b2 removed',
        'b3 running',
        'b4 running',
      ]);
      // The removed backend's ground truth stays: its log is still read with the others'.
      const truth = await lab.readGroundTruth();
      expect(new Set(truth.map((line) => line.backend))).toContain('b4');
    }, 90_000);
  }

  it('refuses to remove the last backend, and a backend it does not have', async () => {
    const lab = await startLab({ balancer: 'builtin-roundrobin', runtime: 'process', backends: 1 });
    await expect(scaleIn(lab.id, 'b1')).rejects.toThrow(/last backend/);
    await expect(scaleIn(lab.id, 'b9')).rejects.toThrow(/no running backend b9/);
  }, 60_000);
});

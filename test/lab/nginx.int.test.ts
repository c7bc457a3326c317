import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { type Answer, call, countBy, labPerTest } from './helpers.js';

describe('lab: nginx balancers (backends as processes)', () => {
  const startLab = labPerTest({ sessions: 'memory', runtime: 'process' });

  it('ip_hash keeps one client address on one backend, and spreads clients from 127.0.N.x', async () => {
    const lab = await startLab({ balancer: 'nginx-iphash' });
    const url = `${lab.url}/healthz`;

    const same: Answer[] = [];
    for (let i = 0; i < 6; i++) same.push(await call(url));
    expect(new Set(same.map((a) => a.backend)).size).toBe(1);
    const upstream = lab.backends.find((b) => b.name === same[0]?.backend);
    expect(same[0]?.headers['x-upstream']).toBe(`127.0.0.1:${upstream?.port}`);

    const spread: Answer[] = [];
    for (let n = 1; n <= 24; n++) {
      // Client-level localAddress: undici 7 overrides `connect.localAddress` with it (null by default).
      const agent = new Agent({ localAddress: `127.0.${n}.1` });
      spread.push(await call(url, { dispatcher: agent }));
      await agent.close();
    }
    const counts = countBy(spread, (a) => a.backend ?? 'none');
    expect(Object.keys(counts).sort()).toEqual(['b1', 'b2', 'b3']);
  });

  it('hash $cookie_sid consistent: one cookie value always lands on one backend, values spread', async () => {
    const lab = await startLab({ balancer: 'nginx-cookie-hash' });
    const url = `${lab.url}/healthz`;
    const byValue = new Map<string, Set<string | undefined>>();
    for (let v = 0; v < 24; v++) {
      for (let i = 0; i < 3; i++) {
        const answer = await call(url, { headers: { cookie: `sid=value-${v}` } });
        const seen = byValue.get(`value-${v}`) ?? new Set();
        seen.add(answer.backend);
        byValue.set(`value-${v}`, seen);
      }
    }
    for (const seen of byValue.values()) expect(seen.size).toBe(1);
    const backends = new Set([...byValue.values()].flatMap((seen) => [...seen]));
    expect([...backends].sort()).toEqual(['b1', 'b2', 'b3']);
  });

  it('adds x-upstream even on error answers (add_header ... always)', async () => {
    const lab = await startLab({ balancer: 'nginx-iphash' });
    const answer = await call(`${lab.url}/me`);
    expect(answer.status).toBe(401);
    expect(answer.headers['x-upstream']).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

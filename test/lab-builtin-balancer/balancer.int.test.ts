import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { call, cookieHeader, labPerTest, loginBody } from '../lab/helpers.js';

/**
 * The built-in balancer (a Node stand-in for HAProxy and nginx on machines without them), as the lab runs it:
 * a child process in front of 3 process backends.
 */
describe('built-in balancer', () => {
  const startLab = labPerTest({ sessions: 'memory', runtime: 'process' });

  async function backendsOf(
    url: string,
    count: number,
    options: Parameters<typeof call>[1] = {},
  ): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) seen.push((await call(url, options)).backend ?? 'none');
    return seen;
  }

  it('round robin: rotates over every backend', async () => {
    const lab = await startLab({ balancer: 'builtin-roundrobin' });
    const seen = await backendsOf(`${lab.url}/healthz`, 6);
    expect(seen).toEqual([...seen.slice(0, 3), ...seen.slice(0, 3)]);
    expect(new Set(seen)).toEqual(new Set(['b1', 'b2', 'b3']));
  });

  it('cookie: inserts SERVERID on the first answer and keeps the client there; redispatches when it is down', async () => {
    const lab = await startLab({ balancer: 'builtin-cookie' });
    const login = await call(`${lab.url}/login`, loginBody('user1', lab.password));
    expect(login.status).toBe(200);
    const cookie = cookieHeader(login);
    expect(cookie).toContain(`SERVERID=${login.backend}`);
    const me = await backendsOf(`${lab.url}/me`, 5, { headers: { cookie } });
    expect(me).toEqual(Array(5).fill(login.backend));

    const pinned = lab.backends.find((backend) => backend.name === login.backend);
    if (pinned?.pid === undefined) throw new Error('a process backend has a pid');
    process.kill(pinned.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Refused on the pinned backend: one retry elsewhere, which is not logged in there (memory sessions) and
    // pins the client to the server that answered.
    const moved = await call(`${lab.url}/me`, { headers: { cookie } });
    expect(moved.status).toBe(401);
    expect(moved.backend).not.toBe(login.backend);
    expect(cookieHeader(moved)).toBe(`SERVERID=${moved.backend}`);
  });

  it('source: one client address always reaches the same backend; spread addresses reach several', async () => {
    const lab = await startLab({ balancer: 'builtin-source' });
    const byAddress = new Map<string, Set<string>>();
    for (let third = 0; third < 12; third++) {
      const address = `127.0.${third}.1`;
      const dispatcher = new Agent({ localAddress: address });
      try {
        byAddress.set(address, new Set(await backendsOf(`${lab.url}/healthz`, 3, { dispatcher })));
      } finally {
        await dispatcher.close();
      }
    }
    for (const backends of byAddress.values()) expect(backends.size).toBe(1);
    const all = new Set([...byAddress.values()].flatMap((backends) => [...backends]));
    expect(all.size).toBeGreaterThan(1);
  });
});

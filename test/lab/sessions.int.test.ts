import { describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/index.js';
import { call, cookieHeader, labPerTest, loginBody } from './helpers.js';

/** Logs in at one backend directly, then asks every backend who that credential is. */
async function meEverywhere(lab: Lab, headers: Record<string, string>) {
  return Promise.all(lab.backends.map((backend) => call(`${backend.url}/me`, { headers })));
}

describe('lab session modes (backends as processes)', () => {
  const startLab = labPerTest({ balancer: 'haproxy-roundrobin', runtime: 'process' });

  it('redis: a session made on one backend is known on all of them', async () => {
    const lab = await startLab({ sessions: 'redis' });
    expect(lab.redis?.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const login = await call(`${lab.url}/login`, loginBody('user5'));
    const answers = await meEverywhere(lab, { cookie: cookieHeader(login) });
    expect(answers.map((a) => [a.status, a.backend, a.body?.user])).toEqual([
      [200, 'b1', 'user5'],
      [200, 'b2', 'user5'],
      [200, 'b3', 'user5'],
    ]);
    // The session is in Redis, not in the backend.
    expect((await call(`${lab.backends[0]?.url}/stats`)).body).toMatchObject({
      sessions: 0,
      sessionBytes: 0,
      storeSessions: 1,
    });
  });

  it('jwt: a token from one backend is accepted by all; form logins work too', async () => {
    const lab = await startLab({ sessions: 'jwt', backends: 2 });
    const login = await call(`${lab.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=user9&password=chaos',
    });
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    const token = String(login.body?.token);
    const answers = await meEverywhere(lab, { authorization: `Bearer ${token}` });
    expect(answers.map((a) => [a.status, a.body?.user])).toEqual([
      [200, 'user9'],
      [200, 'user9'],
    ]);
  });

  it('jwt with a divergent secret: the last backend rejects tokens the others accept', async () => {
    const lab = await startLab({ sessions: 'jwt', jwtDivergentSecret: true, loggedOut: 302 });
    const login = await call(`${lab.backends[0]?.url}/login`, loginBody('user1'));
    const answers = await meEverywhere(lab, { authorization: `Bearer ${String(login.body?.token)}` });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 302]);
    expect(answers[2]?.headers.location).toBe('/login');
  });

  it('replicated: a session is unknown on a peer within the lag and known after it', async () => {
    const replicationLagMs = 500;
    const lab = await startLab({ sessions: 'replicated', replicationLagMs });
    const peers = lab.backends.slice(1);

    /** Asks the peers until each answers `want`; returns when the first and when the last one did. */
    const pollPeers = async (cookie: string, want: number, since: number) => {
      let first = Number.POSITIVE_INFINITY;
      let statuses: number[] = [];
      while (performance.now() - since < replicationLagMs + 2000) {
        statuses = (await Promise.all(peers.map((b) => call(`${b.url}/me`, { headers: { cookie } })))).map(
          (a) => a.status,
        );
        if (statuses.includes(want)) first = Math.min(first, performance.now() - since);
        if (statuses.every((status) => status === want)) return { first, last: performance.now() - since };
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`peers still answer ${statuses.join(', ')} after ${replicationLagMs + 2000} ms`);
    };

    const loggedInAt = performance.now();
    const login = await call(`${lab.backends[0]?.url}/login`, loginBody('user4'));
    const cookie = cookieHeader(login);
    // The copy leaves only after the lag, so no peer can know the session before it; all know it soon after.
    const known = await pollPeers(cookie, 200, loggedInAt);
    expect(known.first).toBeGreaterThanOrEqual(replicationLagMs);
    expect(known.last).toBeLessThan(replicationLagMs + 1500);
    expect((await meEverywhere(lab, { cookie })).map((a) => a.status)).toEqual([200, 200, 200]);

    // Logging out deletes the session on the peers too, after the same lag.
    const loggedOutAt = performance.now();
    await call(`${lab.backends[0]?.url}/logout`, { method: 'POST', headers: { cookie } });
    const forgotten = await pollPeers(cookie, 401, loggedOutAt);
    expect(forgotten.first).toBeGreaterThanOrEqual(replicationLagMs);
  });

  it('wrong-user fault: /me answers as another user and the ground truth says so', async () => {
    const lab = await startLab({ sessions: 'jwt', wrongUserRate: 1 });
    const login = await call(`${lab.url}/login`, loginBody('user2'));
    const me = await call(`${lab.url}/me`, {
      headers: { authorization: `Bearer ${String(login.body?.token)}` },
    });
    expect(me.status).toBe(200);
    expect(me.body?.user).toBe('user3');
    expect(me.headers['x-user']).toBe('user3');
    const line = (await lab.readGroundTruth()).find((l) => l.requestId === me.requestId);
    expect(line).toMatchObject({ user: 'user3', sessionFound: true, faultInjected: true });
  });
});

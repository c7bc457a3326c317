import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../src/lab/index.js';
import { bundleBackend, call, cookieHeader, loginBody } from './helpers.js';

/** Logs in at one backend directly, then asks every backend who that credential is. */
async function meEverywhere(lab: Lab, headers: Record<string, string>) {
  return Promise.all(lab.backends.map((backend) => call(`${backend.url}/me`, { headers })));
}

describe('lab session modes (backends as processes)', () => {
  let lab: Lab | undefined;
  beforeAll(() => bundleBackend());
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  it('redis: a session made on one backend is known on all of them', async () => {
    lab = await startLab({ balancer: 'haproxy-roundrobin', sessions: 'redis', runtime: 'process' });
    expect(lab.redis?.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const login = await call(`${lab.url}/login`, loginBody('user5'));
    const answers = await meEverywhere(lab, { cookie: cookieHeader(login) });
    expect(answers.map((a) => [a.status, a.backend, a.body?.user])).toEqual([
      [200, 'b1', 'user5'],
      [200, 'b2', 'user5'],
      [200, 'b3', 'user5'],
    ]);
    expect((await call(`${lab.backends[0]?.url}/stats`)).body).toMatchObject({ sessions: 1 });
  });

  it('jwt: a token from one backend is accepted by all; form logins work too', async () => {
    lab = await startLab({
      balancer: 'haproxy-roundrobin',
      sessions: 'jwt',
      runtime: 'process',
      backends: 2,
    });
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
    lab = await startLab({
      balancer: 'haproxy-roundrobin',
      sessions: 'jwt',
      runtime: 'process',
      jwtDivergentSecret: true,
      loggedOut: 302,
    });
    const login = await call(`${lab.backends[0]?.url}/login`, loginBody('user1'));
    const answers = await meEverywhere(lab, { authorization: `Bearer ${String(login.body?.token)}` });
    expect(answers.map((a) => a.status)).toEqual([200, 200, 302]);
    expect(answers[2]?.headers.location).toBe('/login');
  });

  it('replicated: a session is unknown on a peer within the lag and known after it', async () => {
    const replicationLagMs = 500;
    lab = await startLab({
      balancer: 'haproxy-roundrobin',
      sessions: 'replicated',
      runtime: 'process',
      replicationLagMs,
    });
    const [first, second] = lab.backends;
    const started = performance.now();
    const login = await call(`${first?.url}/login`, loginBody('user4'));
    const cookie = cookieHeader(login);

    // Ask the peer until it knows the session: never before the lag (the copy leaves only then), soon after.
    const statuses: number[] = [];
    let knownAfterMs = Number.POSITIVE_INFINITY;
    while (performance.now() - started < replicationLagMs + 2000) {
      const status = (await call(`${second?.url}/me`, { headers: { cookie } })).status;
      statuses.push(status);
      if (status === 200) {
        knownAfterMs = performance.now() - started;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(statuses[0]).toBe(401);
    expect(knownAfterMs).toBeGreaterThanOrEqual(replicationLagMs);
    expect(knownAfterMs).toBeLessThan(replicationLagMs + 1000);
    expect((await meEverywhere(lab, { cookie })).map((a) => a.status)).toEqual([200, 200, 200]);

    // Logging out deletes the session on the peers too, after the same lag.
    await call(`${first?.url}/logout`, { method: 'POST', headers: { cookie } });
    await new Promise((resolve) => setTimeout(resolve, replicationLagMs + 300));
    expect((await meEverywhere(lab, { cookie })).map((a) => a.status)).toEqual([401, 401, 401]);
  });

  it('wrong-user fault: /me answers as another user and the ground truth says so', async () => {
    lab = await startLab({
      balancer: 'haproxy-roundrobin',
      sessions: 'jwt',
      runtime: 'process',
      wrongUserRate: 1,
    });
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

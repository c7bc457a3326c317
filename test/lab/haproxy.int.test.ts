import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { call, cookieHeader, countBy, loginBody, sharedLab } from './helpers.js';

describe('lab: haproxy-roundrobin, memory sessions, backends as processes', () => {
  const lab = sharedLab({ balancer: 'haproxy-roundrobin', sessions: 'memory', runtime: 'process' });

  it('round robin spreads requests evenly over the backends', async () => {
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await call(`${lab().url}/healthz`));
    expect(countBy(answers, (a) => a.backend ?? 'none')).toEqual({ b1: 10, b2: 10, b3: 10 });
  });

  it('in memory mode a session is known only on the backend that issued it', async () => {
    const login = await call(`${lab().url}/login`, loginBody('user7'));
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ user: 'user7', backend: login.backend });
    const cookie = cookieHeader(login);
    expect(cookie).toMatch(/^sid=/);

    for (const backend of lab().backends) {
      const me = await call(`${backend.url}/me`, { headers: { cookie } });
      if (backend.name === login.backend) {
        expect(me.status).toBe(200);
        expect(me.body).toEqual({ user: 'user7', backend: backend.name });
        expect(me.headers['x-user']).toBe('user7');
      } else {
        expect(me.status).toBe(401);
        expect(me.body).toEqual({ error: 'not logged in' });
      }
    }
  });

  it('ground truth logs every request id sent, the VU it names, and what the backend answered', async () => {
    const sent = [];
    const login = await call(`${lab().url}/login`, loginBody('user3'));
    const cookie = cookieHeader(login);
    for (let i = 0; i < 9; i++) {
      sent.push(await call(`${lab().url}/me`, { headers: { cookie, 'x-request-id': `lab-3-${i}` } }));
    }
    const truth = await lab().readGroundTruth();
    const byId = new Map(truth.map((line) => [line.requestId, line]));
    for (const answer of sent) {
      const line = byId.get(answer.requestId);
      expect(line).toMatchObject({
        vuId: '3',
        method: 'GET',
        path: '/me',
        status: answer.status,
        backend: answer.backend,
        sessionFound: answer.status === 200,
        user: answer.status === 200 ? 'user3' : null,
      });
    }
    // Round robin over 3 memory backends: exactly one in three lands where the session lives.
    expect(sent.filter((a) => a.status === 200)).toHaveLength(3);
  });
});

describe('lab: haproxy-source (backends as processes)', () => {
  const lab = sharedLab({ balancer: 'haproxy-source', sessions: 'memory', runtime: 'process' });

  it('balance source pins one client address and spreads different addresses', async () => {
    const same = [];
    for (let i = 0; i < 6; i++) same.push(await call(`${lab().url}/healthz`));
    expect(new Set(same.map((a) => a.backend)).size).toBe(1);

    const spread = [];
    for (let n = 1; n <= 24; n++) {
      const agent = new Agent({ localAddress: `127.0.0.${n + 1}` });
      spread.push(await call(`${lab().url}/healthz`, { dispatcher: agent }));
      await agent.close();
    }
    expect(Object.keys(countBy(spread, (a) => a.backend ?? 'none')).sort()).toEqual(['b1', 'b2', 'b3']);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerEngine } from './docker-engine.js';
import { call, cookieHeader, labPerTest, loginBody, sharedLab } from './helpers.js';

interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string>;
}

describe('lab: haproxy-cookie, memory sessions, backends as Docker containers', () => {
  const lab = sharedLab({ balancer: 'haproxy-cookie', sessions: 'memory', runtime: 'docker' });

  it('runs each backend as a labelled container that chaos can select', async () => {
    const filters = encodeURIComponent(JSON.stringify({ label: [`session-chaos.lab=${lab().id}`] }));
    const { status, body } = await dockerEngine<ContainerSummary[]>(
      'GET',
      `/containers/json?filters=${filters}`,
    );
    expect(status).toBe(200);
    const names = body.map((c) => c.Names[0]).sort();
    expect(names).toEqual([`/sc-lab-${lab().id}-b1`, `/sc-lab-${lab().id}-b2`, `/sc-lab-${lab().id}-b3`]);
    for (const container of body) {
      expect(container.State).toBe('running');
      expect(container.Labels['session-chaos.role']).toBe('backend');
    }
    expect(lab().backends.map((b) => b.containerId)).toEqual(
      expect.arrayContaining(body.map((c) => expect.stringMatching(new RegExp(`^${c.Id}`)))),
    );
  });

  it('cookie insert pins a client to one backend, where its session lives', async () => {
    const login = await call(`${lab().url}/login`, loginBody('user1'));
    expect(login.status).toBe(200);
    const cookie = cookieHeader(login);
    expect(cookie).toMatch(new RegExp(`SERVERID=${login.backend}`));
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await call(`${lab().url}/me`, { headers: { cookie } }));
    expect(new Set(answers.map((a) => `${a.status} ${a.backend}`))).toEqual(
      new Set([`200 ${login.backend}`]),
    );
  });

  it('restarting a backend container through the Docker Engine empties its memory sessions', async () => {
    const login = await call(`${lab().url}/login`, loginBody('user2'));
    const cookie = cookieHeader(login);
    const pinned = lab().backends.find((b) => b.name === login.backend);
    if (pinned?.containerId === undefined) throw new Error(`no container for ${login.backend}`);
    expect((await call(`${pinned.url}/me`, { headers: { cookie } })).status).toBe(200);

    const restart = await dockerEngine('POST', `/containers/${pinned.containerId}/restart?t=2`);
    expect(restart.status).toBe(204);
    let health = await call(`${pinned.url}/healthz`).catch(() => undefined);
    for (let i = 0; i < 100 && health?.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = await call(`${pinned.url}/healthz`).catch(() => undefined);
    }
    expect(health?.status).toBe(200);

    expect((await call(`${pinned.url}/stats`)).body).toMatchObject({ backend: pinned.name, sessions: 0 });
    const after = await call(`${pinned.url}/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
    // The ground-truth log survives the restart (it is on the host) and records the loss.
    const line = (await lab().readGroundTruth()).find((l) => l.requestId === after.requestId);
    expect(line).toMatchObject({ backend: pinned.name, sessionFound: false, user: null });
  });
});

describe('lab backends stop fast', () => {
  const startLab = labPerTest({ balancer: 'haproxy-roundrobin', backends: 1 });

  it('a backend container stops on SIGTERM well before Docker would kill it', async () => {
    const lab = await startLab({ sessions: 'memory', runtime: 'docker' });
    const id = lab.backends[0]?.containerId;
    const started = performance.now();
    // t=10: Docker sends SIGKILL only after 10 s; a backend that handles SIGTERM is gone long before (the
    // bound leaves room for a loaded machine).
    expect((await dockerEngine('POST', `/containers/${id}/stop?t=10`)).status).toBe(204);
    expect(performance.now() - started).toBeLessThan(3000);
    const inspect = await dockerEngine<{ State: { ExitCode: number } }>('GET', `/containers/${id}/json`);
    expect(inspect.body.State.ExitCode).toBe(0);
  });

  it('a backend process (redis mode, open client) exits within 1 s of SIGTERM', async () => {
    const lab = await startLab({ sessions: 'redis', runtime: 'process' });
    const pid = lab.backends[0]?.pid ?? 0;
    const started = performance.now();
    process.kill(pid, 'SIGTERM');
    while (existsSync(`/proc/${pid}`) && !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) {
      if (performance.now() - started > 1000) throw new Error(`backend ${pid} still runs 1 s after SIGTERM`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackendServer, parseLoginBody } from '../../src/lab-backend/app.js';
import { JwtSessions } from '../../src/lab-backend/jwt.js';
import { ReplicatedSessionStore } from '../../src/lab-backend/replicated-store.js';
import { MemorySessionStore } from '../../src/lab-backend/store.js';
import { type BackendConfig, parseBackendEnv } from '../../src/lab-contract/backend-config.js';
import type { GroundTruthLine } from '../../src/lab-contract/backend-records.js';
import { seededRandom } from '../../src/util/random.js';
import { call, cookieHeader, loginBody } from '../lab/helpers.js';

const baseEnv = {
  LAB_BACKEND_NAME: 'b7',
  LAB_PORT: '1',
  LAB_SESSIONS: 'memory',
  LAB_LOG: '/dev/null',
  LAB_USERS: '3',
};

interface Running {
  url: string;
  lines: GroundTruthLine[];
  advance(ms: number): void;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** The backend's HTTP handler in this process, with a log that collects lines and a clock we move. */
async function run(env: Record<string, string> = {}): Promise<Running> {
  const config: BackendConfig = parseBackendEnv({ ...baseEnv, ...env });
  let now = Date.parse('2026-01-01T00:00:00Z');
  const lines: GroundTruthLine[] = [];
  const sessions =
    config.sessions === 'jwt'
      ? ({ kind: 'jwt', jwt: new JwtSessions(config.jwtSecret ?? '', config.sessionTtlSeconds) } as const)
      : config.sessions === 'replicated'
        ? ({
            kind: 'cookie',
            store: new ReplicatedSessionStore(new MemorySessionStore(() => now), [], 0),
          } as const)
        : ({ kind: 'cookie', store: new MemorySessionStore(() => now) } as const);
  server = createBackendServer(config, {
    sessions,
    log: { write: (line) => lines.push(line), close: () => {} },
    random: seededRandom(config.seed).next,
    now: () => now,
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, lines, advance: (ms) => (now += ms) };
}

describe('lab backend HTTP handler', () => {
  it('logs in with a form, sets the session cookie with Max-Age, and knows the user on /me', async () => {
    const b = await run({ LAB_SESSION_TTL_S: '60' });
    const login = await call(`${b.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=user2&password=chaos',
    });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ user: 'user2', backend: 'b7' });
    expect(String(login.headers['set-cookie'])).toMatch(/^sid=[\w-]+; Path=\/; Max-Age=60; HttpOnly/);
    const me = await call(`${b.url}/me`, {
      headers: { cookie: cookieHeader(login), 'x-request-id': 'lab-1-a' },
    });
    expect(me).toMatchObject({ status: 200, backend: 'b7', body: { user: 'user2', backend: 'b7' } });
    expect(me.headers['x-user']).toBe('user2');
    expect(b.lines.at(-1)).toMatchObject({
      requestId: me.requestId,
      vuId: '1',
      method: 'GET',
      path: '/me',
      status: 200,
      backend: 'b7',
      sessionFound: true,
      user: 'user2',
      time: '2026-01-01T00:00:00.000Z',
    });
  });

  it('expires sessions after their TTL', async () => {
    const b = await run({ LAB_SESSION_TTL_S: '60' });
    const cookie = cookieHeader(await call(`${b.url}/login`, loginBody('user1')));
    b.advance(60_001);
    const me = await call(`${b.url}/me`, { headers: { cookie } });
    expect(me.status).toBe(401);
    expect(b.lines.at(-1)).toMatchObject({ sessionFound: false, user: null });
  });

  it('rejects unknown users and wrong passwords; users are user1..userN', async () => {
    const b = await run();
    expect((await call(`${b.url}/login`, loginBody('user4'))).status).toBe(401);
    expect((await call(`${b.url}/login`, loginBody('user1', 'nope'))).status).toBe(401);
    expect((await call(`${b.url}/login`, loginBody('admin'))).body).toEqual({ error: 'invalid credentials' });
    expect((await call(`${b.url}/login`, loginBody('user3'))).status).toBe(200);
  });

  it('answers logged-out requests with 302 to /login when so configured; sessionFound null without a cookie', async () => {
    const b = await run({ LAB_LOGGED_OUT: '302' });
    const me = await call(`${b.url}/me`);
    expect(me.status).toBe(302);
    expect(me.headers.location).toBe('/login');
    expect(b.lines.at(-1)).toMatchObject({ status: 302, sessionFound: null, user: null });
  });

  it('logout removes the session and clears the cookie', async () => {
    const b = await run();
    const cookie = cookieHeader(await call(`${b.url}/login`, loginBody('user1')));
    const logout = await call(`${b.url}/logout`, { method: 'POST', headers: { cookie } });
    expect(String(logout.headers['set-cookie'])).toMatch(/^sid=; Path=\/; Max-Age=0/);
    expect((await call(`${b.url}/me`, { headers: { cookie } })).status).toBe(401);
    expect((await call(`${b.url}/stats`)).body).toEqual({
      backend: 'b7',
      requests: 3,
      sessions: 0,
      sessionBytes: 0,
      replication: null,
      storeSessions: null,
    });
  });

  it('jwt: a token with exp; a token signed with another secret is not logged in', async () => {
    const b = await run({ LAB_SESSIONS: 'jwt', LAB_JWT_SECRET: 'a'.repeat(32), LAB_SESSION_TTL_S: '120' });
    const login = await call(`${b.url}/login`, loginBody('user1'));
    const token = String(login.body?.token);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      number
    >;
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    expect((await call(`${b.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const forged = await new JwtSessions('b'.repeat(32), 120).issue('user1');
    expect((await call(`${b.url}/me`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    expect(b.lines.at(-1)).toMatchObject({ sessionFound: false });
  });

  it('wrong-user fault: at rate 0.5 about half the /me answers name another user, logged as faults', async () => {
    const b = await run({ LAB_WRONG_USER_RATE: '0.5', LAB_SEED: '42' });
    const cookie = cookieHeader(await call(`${b.url}/login`, loginBody('user3')));
    const users = [];
    for (let i = 0; i < 40; i++) users.push((await call(`${b.url}/me`, { headers: { cookie } })).body?.user);
    const wrong = users.filter((user) => user !== 'user3');
    expect(new Set(wrong)).toEqual(new Set(['user1']));
    expect(wrong.length).toBeGreaterThan(10);
    expect(wrong.length).toBeLessThan(30);
    expect(b.lines.filter((line) => line.faultInjected)).toHaveLength(wrong.length);
  });

  it('sets x-backend-id everywhere, 404 on unknown paths, 400 on a bad JSON body', async () => {
    const b = await run();
    const missing = await call(`${b.url}/nope`);
    expect(missing).toMatchObject({ status: 404, backend: 'b7' });
    const bad = await call(`${b.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(bad).toMatchObject({ status: 400, backend: 'b7' });
    expect(b.lines.at(-1)).toMatchObject({ path: '/login', status: 400 });
  });
});

describe('replication endpoint', () => {
  const post = (url: string, body: string) =>
    call(`${url}/_lab/replicate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('applies a session from a peer, and its deletion', async () => {
    const b = await run({ LAB_SESSIONS: 'replicated' });
    const session = { user: 'user2', expiresAt: Date.parse('2026-01-02T00:00:00Z') };
    expect((await post(b.url, JSON.stringify({ sid: 'abc', session }))).status).toBe(204);
    expect((await call(`${b.url}/me`, { headers: { cookie: 'sid=abc' } })).body?.user).toBe('user2');
    expect((await post(b.url, JSON.stringify({ sid: 'abc', session: null }))).status).toBe(204);
    expect((await call(`${b.url}/me`, { headers: { cookie: 'sid=abc' } })).status).toBe(401);
  });

  it('shows in /stats the sessions held, their bytes and the replication payload received', async () => {
    const b = await run({ LAB_SESSIONS: 'replicated' });
    const session = { user: 'user2', expiresAt: Date.parse('2026-01-02T00:00:00Z') };
    const body = JSON.stringify({ sid: 'abc', session });
    await post(b.url, body);
    expect((await call(`${b.url}/stats`)).body).toEqual({
      backend: 'b7',
      requests: 0,
      sessions: 1,
      // The session id and the session as JSON.
      sessionBytes: 'abc'.length + JSON.stringify(session).length,
      replication: { sentBytes: 0, receivedBytes: body.length },
      storeSessions: null,
    });
  });

  it('rejects a malformed message with 400, and is not there in other modes', async () => {
    const replicated = await run({ LAB_SESSIONS: 'replicated' });
    expect((await post(replicated.url, '{"sid":1}')).status).toBe(400);
    await new Promise((resolve) => server?.close(resolve));
    const memory = await run();
    expect((await post(memory.url, '{"sid":"abc","session":null}')).status).toBe(404);
  });
});

describe('request parsing', () => {
  it('parses JSON and form login bodies', () => {
    expect(parseLoginBody('application/json; charset=utf-8', '{"username":"u"}')).toEqual({ username: 'u' });
    expect(parseLoginBody(undefined, 'username=u&password=p')).toEqual({ username: 'u', password: 'p' });
    expect(() => parseLoginBody('application/json', '[1')).toThrow('body is not a JSON object');
  });
});

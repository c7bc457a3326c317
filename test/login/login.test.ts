import { afterEach, describe, expect, it } from 'vitest';
import { logIn } from '../../src/login/login.js';
import type { ProfileInput } from '../../src/profile/schema/index.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { contextFor, profileFor } from '../helpers/engine-fixtures.js';
import { type ScriptedServer, type ScriptOptions, startScriptedServer } from '../helpers/scripted-server.js';

let server: ScriptedServer | undefined;
let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const step of cleanup) await step();
  cleanup = [];
  await server?.close();
  server = undefined;
});

async function loginWith(auth: ProfileInput['auth'], script: ScriptOptions = {}, password = 'secret') {
  server = await startScriptedServer(script);
  const { setup, connections } = contextFor(profileFor(server.url, { auth }));
  cleanup.push(async () => connections.close());
  const vu = createVirtualUser(7, { username: 'user7', password }, 1);
  const result = await logIn(vu, 'initial', setup);
  return { vu, result, server };
}

describe('logIn', () => {
  it('logs in with a form POST and keeps the session cookie in the user jar', async () => {
    const { vu, result } = await loginWith({ credentials: { password: 'secret' } });
    expect(result.record).toMatchObject({
      vu: 7,
      user: 'user7',
      outcome: 'login_ok',
      cause: 'initial',
      status: 200,
      backend: 'b1',
    });
    expect(vu.loggedIn).toBe(true);
    expect(vu.jar?.getCookieStringSync(`${server?.url}/me`)).toMatch(/^sid=/);
    expect(vu.expiresAt).toBeUndefined();
  });

  it('sends JSON when the format says so, and the request id and user id headers', async () => {
    const { result, server } = await loginWith({
      login: { format: 'json' },
      credentials: { password: 'secret' },
    });
    expect(result.record.outcome).toBe('login_ok');
    const seen = server.seen.find((request) => request.path === '/login');
    expect(seen).toMatchObject({ requestId: result.record.requestId, vu: '7', user: 'user7' });
  });

  it('reads a bearer token from a JSON path', async () => {
    const { vu, result } = await loginWith({
      mode: 'bearer',
      login: { token: { from: 'json', path: 'token' } },
      credentials: { password: 'secret' },
    });
    expect(result.record.outcome).toBe('login_ok');
    expect(vu.token).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads a bearer token from a header', async () => {
    const { vu } = await loginWith({
      mode: 'bearer',
      login: { token: { from: 'header', name: 'authorization' } },
      credentials: { password: 'secret' },
    });
    expect(vu.token).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes a CSRF token from a first step into the login', async () => {
    const { result } = await loginWith(
      {
        login: {
          fields: { username: '{username}', password: '{password}', csrf: '{csrf}' },
          prepare: {
            url: '/login-page',
            extract: [{ name: 'csrf', from: 'body', pattern: 'name="csrf" value="([^"]+)"' }],
          },
        },
        credentials: { password: 'secret' },
      },
      { csrf: true },
    );
    expect(result.record.outcome).toBe('login_ok');
  });

  it('fails the login when the CSRF token cannot be found', async () => {
    const { result, vu } = await loginWith({
      login: { prepare: { url: '/login-page', extract: [{ name: 'csrf', from: 'cookie', cookie: 'nope' }] } },
      credentials: { password: 'secret' },
    });
    expect(result.record).toMatchObject({
      outcome: 'login_failed',
      reason: 'first step: "csrf" not found in the cookie',
    });
    expect(vu.loggedIn).toBe(false);
  });

  it('counts a rejected login as login_failed with its status', async () => {
    const { result, vu } = await loginWith({ credentials: { password: 'secret' } }, {}, 'wrong');
    expect(result.record).toMatchObject({ outcome: 'login_failed', status: 401, reason: 'status 401' });
    expect(result.detail.body).toContain('bad credentials');
    expect(vu.loggedIn).toBe(false);
  });

  it('counts a success status without a session as login_failed', async () => {
    const { result } = await loginWith({ credentials: { password: 'secret' } }, { loginStatus: 200 });
    expect(result.record).toMatchObject({ outcome: 'login_failed', reason: 'no session cookie set' });
  });

  it('counts a login that gets no answer as login_error', async () => {
    server = await startScriptedServer();
    const { setup, connections } = contextFor(
      profileFor(server.url, {
        target: { timeout: '200ms' },
        auth: { login: { url: '/stall' }, credentials: { password: 'secret' } },
      }),
    );
    cleanup.push(async () => connections.close());
    const vu = createVirtualUser(1, { username: 'user1', password: 'secret' }, 1);
    const { record } = await logIn(vu, 'mismatch', setup);
    expect(record).toMatchObject({
      outcome: 'login_error',
      cause: 'mismatch',
      errorCode: 'ETIMEDOUT',
      reason: 'ETIMEDOUT',
    });
  });

  it('turns the cookie Max-Age into an expiry on the run clock', async () => {
    const { vu, result } = await loginWith({ credentials: { password: 'secret' } }, { sessionMaxAge: 60 });
    expect(vu.expiresAt).toBeDefined();
    expect((vu.expiresAt ?? 0) - result.record.end).toBeGreaterThan(58_000);
    expect((vu.expiresAt ?? 0) - result.record.end).toBeLessThanOrEqual(61_000);
  });
});

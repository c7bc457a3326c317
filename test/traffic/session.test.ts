import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../src/login/template.js';
import {
  clearsCookie,
  cookieHeader,
  cookiesExpiry,
  emptySession,
  jwtExpiry,
  sessionExpiry,
  setCookieValue,
  storeCookies,
} from '../../src/traffic/session.js';

function jwt(claims: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(claims)}.sig`;
}

describe('session helpers', () => {
  it('reads a JWT exp as wall-clock milliseconds', () => {
    expect(jwtExpiry(jwt({ sub: 'a', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiry(jwt({ sub: 'a' }))).toBeUndefined();
    expect(jwtExpiry('opaque-token')).toBeUndefined();
  });

  it('creates the jar on the first cookie and reads expiry from Max-Age', () => {
    const session = emptySession();
    expect(storeCookies(session, undefined, 'http://127.0.0.1/')).toEqual([]);
    expect(session.jar).toBeUndefined();
    const stored = storeCookies(
      session,
      ['sid=abc; Path=/; Max-Age=100', 'SERVERID=s2; Path=/'],
      'http://127.0.0.1/',
    );
    expect(stored).toHaveLength(2);
    const expiry = cookiesExpiry(stored) ?? 0;
    expect(expiry - Date.now()).toBeGreaterThan(98_000);
    expect(setCookieValue(['a=1', 'SERVERID=s2; Path=/'], 'SERVERID')).toBe('s2');
  });

  it('fills templates', () => {
    expect(fillTemplate('{username}:{i}:{unknown}', { username: 'u', i: '3' })).toBe('u:3:{unknown}');
  });

  it('reuses the Cookie header until the jar changes or a cookie in it expires', () => {
    const session = emptySession();
    const url = 'http://127.0.0.1/me';
    expect(cookieHeader(session, url, Date.now())).toBe('');
    storeCookies(session, 'sid=1; Path=/; Max-Age=10', url);
    const now = Date.now();
    expect(cookieHeader(session, url, now)).toBe('sid=1');
    expect(session.cookieCache?.header).toBe('sid=1');
    storeCookies(session, 'SERVERID=b2; Path=/', url);
    expect(cookieHeader(session, url, now)).toBe('sid=1; SERVERID=b2');
    expect(session.cookieCache?.validUntil).toBeLessThanOrEqual(now + 10_500);
    const cache = session.cookieCache;
    if (cache !== undefined) session.cookieCache = { ...cache, header: 'cached' };
    expect(cookieHeader(session, url, now)).toBe('cached');
    // Past the expiry the jar is asked again (its own clock is real, so sid is still there).
    expect(cookieHeader(session, url, now + 20_000)).toBe('sid=1; SERVERID=b2');
  });
});

describe('server-side session ends', () => {
  it("ends the session at the earliest of its own expiry, the login's start plus the absolute lifetime, and the last ok plus the idle one", () => {
    const session = { ...emptySession(), loggedInAt: 1000, lastUsedAt: 5000, expiresAt: 60_000 };
    expect(sessionExpiry(session, {})).toBe(60_000);
    expect(sessionExpiry(session, { idleTimeout: 3000 })).toBe(8000);
    expect(sessionExpiry(session, { idleTimeout: 30_000, absoluteTimeout: 10_000 })).toBe(11_000);
    expect(sessionExpiry({ ...session, expiresAt: undefined }, {})).toBeUndefined();
  });

  it('tells a Set-Cookie that clears the session cookie (Max-Age=0, a past Expires)', () => {
    const now = Date.now();
    expect(clearsCookie('sid=; Path=/; Max-Age=0', ['sid'], now)).toBe(true);
    expect(clearsCookie(['x=1', 'sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], ['sid'], now)).toBe(true);
    expect(clearsCookie('sid=new; Path=/; Max-Age=60', ['sid'], now)).toBe(false);
    expect(clearsCookie('other=; Max-Age=0', ['sid'], now)).toBe(false);
    expect(clearsCookie(undefined, ['sid'], now)).toBe(false);
  });
});

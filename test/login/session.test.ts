import { describe, expect, it } from 'vitest';
import {
  cookiesExpiry,
  emptySession,
  jwtExpiry,
  setCookieValue,
  storeCookies,
} from '../../src/login/session.js';
import { fillTemplate } from '../../src/login/template.js';

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
});

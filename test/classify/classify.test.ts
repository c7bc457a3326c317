import { describe, expect, it } from 'vitest';
import { classify, compileRules, ruleNeeds } from '../../src/classify/classify.js';
import { type ClassifyRules, classifySchema } from '../../src/profile/schema/classify.js';
import { responseRecord } from '../helpers/records.js';

const rules = (input: unknown = {}): ClassifyRules => classifySchema.parse(input);
const defaults = rules();

describe('classify: the design order', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['TimeoutError', 'timeout'],
    ['HPE_INVALID_CONSTANT', 'other'],
    [undefined, 'other'],
  ] as const)('error: no response, error code %s: reason %s', (errorCode, reason) => {
    const record = responseRecord({ status: undefined, errorCode, headers: {} });
    expect(classify(record, defaults)).toEqual({ class: 'error', reason, backend: 'unknown' });
  });

  it.each([
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['HPE_INVALID_CHUNK_SIZE', 'other'],
  ] as const)('error: a transport failure (%s) after the status line: reason %s', (errorCode, reason) => {
    const record = responseRecord({ status: 200, errorCode, bodyBytes: 3 });
    expect(classify(record, defaults)).toEqual({ class: 'error', reason, backend: 'b1' });
  });

  it('error: a 5xx, even when it also looks logged out or comes from an expired session', () => {
    const record = responseRecord({ status: 503, body: 'please log in', sessionExpiresAt: 0 });
    expect(classify(record, rules({ loggedOut: { bodyPattern: 'log in' } }))).toEqual({
      class: 'error',
      reason: 'http_5xx',
      backend: 'b1',
    });
  });

  it('expired: logged out and the session past its expiry by the time the answer came back', () => {
    // The server judged the credential somewhere between start and end: an expiry inside the exchange counts.
    const loggedOut = { status: 401, start: 990, end: 1000, sessionExpiresAt: 1000 };
    expect(classify(responseRecord(loggedOut), defaults).class).toBe('expired');
    expect(classify(responseRecord({ ...loggedOut, sessionExpiresAt: 995 }), defaults).class).toBe('expired');
    // Within the clock tolerance before the VU's expiry, the server's clock may be the one ahead.
    expect(classify(responseRecord({ ...loggedOut, sessionExpiresAt: 1050 }), defaults).class).toBe(
      'expired',
    );
    expect(classify(responseRecord({ ...loggedOut, sessionExpiresAt: 1051 }), defaults).class).toBe(
      'mismatch',
    );
  });

  it('expired is not claimed for an authenticated answer', () => {
    expect(classify(responseRecord({ start: 5000, end: 5010, sessionExpiresAt: 1000 }), defaults).class).toBe(
      'ok',
    );
  });

  it('mismatch: each logged-out signal while the VU holds a session', () => {
    const bodyRules = rules({ loggedOut: { bodyPattern: 'name="password"' } });
    expect(classify(responseRecord({ status: 401 }), defaults).class).toBe('mismatch');
    expect(classify(responseRecord({ status: 403 }), defaults).class).toBe('mismatch');
    expect(
      classify(responseRecord({ status: 302, headers: { location: '/login?next=/me' } }), defaults).class,
    ).toBe('mismatch');
    expect(classify(responseRecord({ body: '<input name="password">' }), bodyRules).class).toBe('mismatch');
  });

  it('a redirect elsewhere, or a body pattern without a body, is not a logged-out signal', () => {
    const bodyRules = rules({ loggedOut: { bodyPattern: 'log in' } });
    expect(classify(responseRecord({ status: 302, headers: { location: '/home' } }), defaults).class).toBe(
      'ok',
    );
    expect(classify(responseRecord({ status: 200, headers: { location: '/login' } }), defaults).class).toBe(
      'ok',
    );
    expect(classify(responseRecord(), bodyRules).class).toBe('ok');
  });

  it('a custom status set replaces the default one', () => {
    const custom = rules({ loggedOut: { status: [419] } });
    expect(classify(responseRecord({ status: 419 }), custom).class).toBe('mismatch');
    expect(classify(responseRecord({ status: 401 }), custom).class).toBe('unexpected');
  });

  it('logged out without a session is unexpected (no_session), not a mismatch', () => {
    expect(classify(responseRecord({ status: 401, hadSession: false }), defaults)).toEqual({
      class: 'unexpected',
      reason: 'no_session',
      backend: 'b1',
    });
  });

  it('wrong_user: an identity read that is not the VU, from a header, a JSON path or a regex', () => {
    const header = rules({ identity: { from: 'header', name: 'X-User' } });
    const headerPattern = rules({ identity: { from: 'header', name: 'x-auth', pattern: 'user=(\\w+)' } });
    const json = rules({ identity: { from: 'json', path: '$.session.user' } });
    const regex = rules({ identity: { from: 'regex', pattern: 'Hello, (\\w+)' } });
    const cookie = rules({ identity: { from: 'cookie', name: 'who' } });
    const theirs = { 'x-backend-id': 'b1', 'x-user': 'user2', 'x-auth': 'id=7; user=user2' };
    const expected = { class: 'wrong_user', backend: 'b1', identity: 'user2' };
    expect(classify(responseRecord({ headers: theirs }), header)).toEqual(expected);
    expect(classify(responseRecord({ headers: theirs }), headerPattern)).toEqual(expected);
    expect(classify(responseRecord({ body: '{"session":{"user":"user2"}}' }), json)).toEqual(expected);
    expect(classify(responseRecord({ body: '<h1>Hello, user2</h1>' }), regex)).toEqual(expected);
    expect(classify(responseRecord({ cookies: { who: 'user2' } }), cookie)).toEqual(expected);
  });

  it('wrong_user beats unexpected: a 404 authenticated as someone else is still a security failure', () => {
    const header = rules({ identity: { from: 'header', name: 'x-user' } });
    const record = responseRecord({ status: 404, headers: { 'x-user': 'user2' } });
    expect(classify(record, header).class).toBe('wrong_user');
  });

  it('ok: the identity matches, is absent, or no identity rule is set', () => {
    const json = rules({ identity: { from: 'json', path: 'user' } });
    expect(classify(responseRecord({ body: '{"user":"user1"}' }), json)).toEqual({
      class: 'ok',
      backend: 'b1',
      identity: 'user1',
    });
    expect(classify(responseRecord({ body: '{"other":1}' }), json)).toEqual({ class: 'ok', backend: 'b1' });
    expect(classify(responseRecord({ body: '{"user":"us', bodyTruncated: true }), json).class).toBe('ok');
    expect(classify(responseRecord({ status: 204 }), defaults).class).toBe('ok');
  });

  it('unexpected: any other status, kept with no reason', () => {
    for (const status of [400, 404, 429]) {
      expect(classify(responseRecord({ status }), defaults)).toEqual({ class: 'unexpected', backend: 'b1' });
    }
  });
});

describe('classify: backend identity', () => {
  it('reads a header (optionally through a pattern), a cookie, a JSON path or a regex capture', () => {
    const cases: [unknown, Partial<Parameters<typeof responseRecord>[0]>, string][] = [
      [{ from: 'header', name: 'x-served-by' }, { headers: { 'x-served-by': 'web-2' } }, 'web-2'],
      [
        { from: 'header', name: 'via', pattern: 'haproxy/(\\w+)' },
        { headers: { via: '1.1 haproxy/s3' } },
        's3',
      ],
      [{ from: 'cookie', name: 'SERVERID' }, { cookies: { SERVERID: 's2' } }, 's2'],
      [{ from: 'json', path: 'backend' }, { body: '{"user":"user1","backend":"b3"}' }, 'b3'],
      [{ from: 'json', path: 'servers[1].id' }, { body: '{"servers":[{"id":1},{"id":2}]}' }, '2'],
      [{ from: 'regex', pattern: 'served by ([a-z0-9-]+)' }, { body: 'page served by app-7' }, 'app-7'],
    ];
    for (const [backend, overrides, expected] of cases) {
      expect(classify(responseRecord({ headers: {}, ...overrides }), rules({ backend })).backend).toBe(
        expected,
      );
    }
  });

  it('is unknown when absent, unparsable or not matched', () => {
    expect(classify(responseRecord({ headers: {} }), defaults).backend).toBe('unknown');
    const json = rules({ backend: { from: 'json', path: 'backend' } });
    expect(classify(responseRecord({ body: 'not json' }), json).backend).toBe('unknown');
    expect(classify(responseRecord({ body: '{"backend":{"nested":true}}' }), json).backend).toBe('unknown');
    const pattern = rules({ backend: { from: 'header', name: 'via', pattern: 'haproxy/(\\w+)' } });
    expect(classify(responseRecord({ headers: { via: 'nginx' } }), pattern).backend).toBe('unknown');
  });

  it('is read for errors with a response too', () => {
    expect(classify(responseRecord({ status: 502, headers: { 'x-backend-id': 'b2' } }), defaults)).toEqual({
      class: 'error',
      reason: 'http_5xx',
      backend: 'b2',
    });
  });
});

describe('compileRules', () => {
  it('gives the same answers as classify, with the regexes compiled once', () => {
    const profileRules = rules({
      loggedOut: { bodyPattern: 'sign in' },
      identity: { from: 'json', path: 'user' },
    });
    const classifier = compileRules(profileRules);
    const records = [
      responseRecord(),
      responseRecord({ status: 401 }),
      responseRecord({ body: 'please sign in' }),
      responseRecord({ body: '{"user":"user9"}' }),
      responseRecord({ status: undefined, errorCode: 'ECONNREFUSED' }),
    ];
    for (const record of records) expect(classifier(record)).toEqual(classify(record, profileRules));
  });
});

describe('ruleNeeds', () => {
  it('defaults: the backend header and the Location of a login redirect, no body', () => {
    expect(ruleNeeds(defaults)).toEqual({ headers: ['location', 'x-backend-id'], cookies: [], body: false });
  });

  it('a body when a body pattern, a JSON path or a regex is used; cookies by name; headers lower-cased', () => {
    expect(
      ruleNeeds(
        rules({
          loggedOut: { bodyPattern: 'x' },
          identity: { from: 'header', name: 'X-User' },
          backend: { from: 'cookie', name: 'SERVERID' },
        }),
      ),
    ).toEqual({ headers: ['location', 'x-user'], cookies: ['SERVERID'], body: true });
    expect(ruleNeeds(rules({ identity: { from: 'json', path: 'user' } })).body).toBe(true);
    expect(ruleNeeds(rules({ backend: { from: 'regex', pattern: 'b(\\d)' } })).body).toBe(true);
  });

  it('names a header once when two rules read it', () => {
    const both = rules({
      identity: { from: 'header', name: 'x-id', pattern: 'u=(\\w+)' },
      backend: { from: 'header', name: 'X-Id' },
    });
    expect(ruleNeeds(both).headers).toEqual(['location', 'x-id']);
  });
});

import { describe, expect, it } from 'vitest';
import { FileUnreadableError } from '../../src/errors.js';
import { loadPlan, resolvePlan } from '../../src/profile/load.js';
import { minimalProfile, problemsOf, writeTempFile } from './fixtures.js';

describe('resolvePlan', () => {
  it('fills every default into a minimal profile', () => {
    const { profile } = resolvePlan('p.yaml', minimalProfile, { env: {} });
    expect(profile.target.timeout).toBe(5000);
    expect(profile.traffic).toMatchObject({
      users: 10,
      duration: 30_000,
      model: 'closed',
      thinkTime: 0,
      seed: 1,
    });
    expect(profile.traffic.mix).toEqual([
      { method: 'GET', path: '/me', weight: 1, headers: {}, public: false },
    ]);
    expect(profile.auth.login).toMatchObject({ method: 'POST', url: '/login', format: 'form' });
    expect(profile.relogin).toEqual({ policy: 'relogin' });
    expect(profile.classify.backend).toEqual({ from: 'header', name: 'x-backend-id' });
    // Left to preflight, which learns it from the target's own answers.
    expect(profile.classify.loggedOut).toBeUndefined();
    expect(profile.auth.login).toMatchObject({ negativeControl: true });
    expect(profile.auth.login.success).toBeUndefined();
  });

  it('leaves the duration unset when only a request count bounds the run', () => {
    const { profile } = resolvePlan('p.yaml', `${minimalProfile}traffic:\n  requests: 100\n`, { env: {} });
    expect(profile.traffic.duration).toBeUndefined();
    expect(profile.traffic.requests).toBe(100);
  });

  it('parses "after N" re-login policies', () => {
    const { profile } = resolvePlan('p.yaml', `${minimalProfile}relogin: after 3\n`, { env: {} });
    expect(profile.relogin).toEqual({ policy: 'after', mismatches: 3 });
  });

  it('reads secrets from the environment and remembers them for redaction', () => {
    const text = minimalProfile.replace('password: secret', 'password: ${LAB_PASSWORD}');
    const plan = resolvePlan('p.yaml', text, { env: { LAB_PASSWORD: 'hunter2' } });
    expect(plan.profile.auth.credentials.password).toBe('hunter2');
    expect(plan.secrets).toEqual(['hunter2']);
  });

  it('uses the ${NAME:-default} fallback when the variable is empty, as the shell does', () => {
    const text = minimalProfile.replace('password: secret', 'password: ${LAB_PASSWORD:-lab}');
    const plan = resolvePlan('p.yaml', text, { env: { LAB_PASSWORD: '' } });
    expect(plan.profile.auth.credentials.password).toBe('lab');
    expect(plan.secrets).toEqual([]);
  });

  it('uses the ${NAME:-default} fallback when the variable is unset', () => {
    const text = minimalProfile.replace('password: secret', 'password: ${LAB_PASSWORD:-lab}');
    expect(resolvePlan('p.yaml', text, { env: {} }).profile.auth.credentials.password).toBe('lab');
  });

  it('accepts JSON as well as YAML', () => {
    const json = JSON.stringify({
      target: { url: 'http://127.0.0.1:1' },
      auth: { credentials: { password: 'x' } },
    });
    expect(resolvePlan('p.json', json, { env: {} }).profile.target.url).toBe('http://127.0.0.1:1');
  });
});

describe('bad profiles', () => {
  const cases: Array<[string, string, string[], NodeJS.ProcessEnv?]> = [
    [
      'an unknown top-level field, with a suggestion',
      `${minimalProfile}trafic: {}\n`,
      ['trafic: unknown field (did you mean "traffic"?)'],
    ],
    [
      'a header name that is not a token and a value that would break the request',
      `${minimalProfile}traffic:\n  requestIdHeader: "x id"\n  vuIdHeader: "x:vu"\n  mix:\n    - path: /me\n      headers: { "x-a": "1\\r\\nx-b: 2" }\n`,
      [
        "traffic.requestIdHeader: expected a header name (letters, digits and !#$%&'*+.^_`|~-)",
        "traffic.vuIdHeader: expected a header name (letters, digits and !#$%&'*+.^_`|~-)",
        'traffic.mix[0].headers.x-a: expected a header value without CR, LF or NUL',
      ],
    ],
    [
      "a public request with a login of its own, and a services lab's scope without services",
      `${minimalProfile}traffic:\n  mix:\n    - { path: /b/me, public: true, controlLogin: /b/login }\nlab: { balancer: haproxy-cookie, sessions: jwt, sessionScope: per-service }\n`,
      [
        'traffic.mix[0].controlLogin: a public request is not checked with a session, so it needs no login of its own',
        'lab.sessionScope: only used with services',
      ],
    ],
    [
      'an unknown nested field, with a suggestion',
      `${minimalProfile}traffic:\n  usres: 5\n`,
      ['traffic.usres: unknown field (did you mean "users"?)'],
    ],
    [
      'an unknown field far from any known one',
      `${minimalProfile}traffic:\n  colour: blue\n`,
      ['traffic.colour: unknown field'],
    ],
    [
      'a wrong type',
      `${minimalProfile}traffic:\n  users: many\n`,
      ['traffic.users: expected number, received string'],
    ],
    [
      'a non-positive count',
      `${minimalProfile}traffic:\n  users: 0\n`,
      ['traffic.users: Too small: expected number to be >0'],
    ],
    [
      'a malformed duration',
      `${minimalProfile}traffic:\n  duration: 10 sec\n`,
      ['traffic.duration: expected a duration such as 500ms, 30s or 2m, got "10 sec"'],
    ],
    [
      'a relative target URL',
      minimalProfile.replace('http://127.0.0.1:8080', '/login'),
      ['target.url: expected an absolute http(s) URL, got "/login"'],
    ],
    [
      'a login URL that is neither a path nor a URL',
      `${minimalProfile}  login:\n    url: login\n`.replace(
        'auth:\n  credentials:\n    password: secret\n  login',
        'auth:\n  credentials:\n    password: secret\n  login',
      ),
      ['auth.login.url: expected a path starting with / or an absolute http(s) URL, got "login"'],
    ],
    [
      'a missing environment variable',
      minimalProfile.replace('password: secret', 'password: ${NOT_SET_ANYWHERE}'),
      ['auth.credentials.password: environment variable NOT_SET_ANYWHERE is not set'],
    ],
    [
      'an environment variable set to the empty string, told apart from an unset one',
      minimalProfile.replace('password: secret', 'password: ${EMPTY_ONE}'),
      [
        'auth.credentials.password: environment variable EMPTY_ONE is set but empty (give it a value, or write ${EMPTY_ONE:-default})',
      ],
      { EMPTY_ONE: '' },
    ],
    [
      'no password source',
      minimalProfile.replace('    password: secret\n', '    username: u{i}\n'),
      [
        'auth.credentials.password: required unless credentials.file is given (use "${ENV_NAME}" to read it from the environment)',
      ],
    ],
    [
      'bearer mode without a token source',
      minimalProfile.replace('auth:', 'auth:\n  mode: bearer'),
      ['auth.login.token: required when auth.mode is bearer'],
    ],
    [
      'an unknown enum value',
      minimalProfile.replace('auth:', 'auth:\n  mode: session'),
      ['auth.mode: Invalid option: expected one of "cookie"|"bearer"'],
    ],
    [
      'the open model without a rate',
      `${minimalProfile}traffic:\n  model: open\n`,
      ['traffic.rate: required when model is open'],
    ],
    [
      'a bad re-login policy',
      `${minimalProfile}relogin: sometimes\n`,
      ['relogin: expected "relogin", "never" or "after N"'],
    ],
    [
      'a request path without a slash',
      `${minimalProfile}traffic:\n  mix:\n    - path: me\n`,
      ['traffic.mix[0].path: expected a path starting with /'],
    ],
    [
      'an invalid regex',
      `${minimalProfile}classify:\n  loggedOut:\n    bodyPattern: "(unclosed"\n`,
      ['classify.loggedOut.bodyPattern: expected a valid regular expression, got "(unclosed"'],
    ],
    [
      'a chaos event with no time',
      `${minimalProfile}chaos:\n  events:\n    - action: restart\n      target: { name: b1 }\n`,
      ['chaos.events[0].at: expected at or every'],
    ],
    [
      'a malformed threshold',
      `${minimalProfile}thresholds:\n  - mismatchRate is low\n`,
      ['thresholds[0]: expected "metric<op>value", such as mismatchRate<0.01 or latency.p99<500ms'],
    ],
    [
      'a non-mapping document',
      '- just\n- a list\n',
      [': expected a mapping of profile fields at the top level'],
    ],
  ];

  it.each(cases)('reports %s', (_name, text, expected, env) => {
    expect(problemsOf(text, env)).toEqual(expected.map((line) => line.replace(/^: /, '')));
  });

  it('reports every problem, not just the first', () => {
    const text = `
target:
  url: nope
  tmeout: 3s
auth:
  mode: bearer
  credentials: { password: "\${NOPE_X}" }
traffic:
  users: -1
  duration: 10 sec
`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(6);
    expect(problems).toContain('target.tmeout: unknown field (did you mean "timeout"?)');
    expect(problems).toContain('auth.credentials.password: environment variable NOPE_X is not set');
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(problemsOf('target:\n  url: [\n')).toEqual([
      'line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports duplicate keys with their line', () => {
    expect(problemsOf(`${minimalProfile}target: {}\n`)[0]).toMatch(
      /^line 7, column 1: Map keys must be unique/,
    );
  });
});

describe('loadPlan', () => {
  it('names a file that does not exist', async () => {
    await expect(loadPlan('/nonexistent/profile.yaml')).rejects.toThrow(
      new FileUnreadableError('/nonexistent/profile.yaml', 'no such file'),
    );
  });

  it('loads a file from disk', async () => {
    const path = writeTempFile('p.yaml', minimalProfile);
    expect((await loadPlan(path, { env: {} })).source).toBe(path);
  });
});

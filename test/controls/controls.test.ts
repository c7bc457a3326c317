import { describe, expect, it, onTestFinished } from 'vitest';
import { compileRules } from '../../src/classify/classify.js';
import { runControls } from '../../src/controls/controls.js';
import { PreflightError } from '../../src/errors.js';
import type { Plan } from '../../src/profile/load.js';
import { executeRun } from '../../src/run/run.js';
import { CollectingSink, contextFor, planFor } from '../helpers/engine-fixtures.js';
import { responseRecord } from '../helpers/records.js';
import {
  forgetSessionsAfter,
  type ScriptedServer,
  type ScriptOptions,
  testServer,
} from '../helpers/scripted-server.js';

async function controlsOn(options: ScriptOptions, input: Parameters<typeof planFor>[1] = {}) {
  const server = await testServer(options);
  const plan = planFor(server.url, input);
  const { context, connections } = contextFor(plan.profile);
  onTestFinished(() => connections.close());
  const lines: string[] = [];
  const outcome = await runControls({
    plan,
    context,
    probe: { id: 1, username: 'user1', password: 'secret' },
    log: (line) => lines.push(line),
  });
  return { outcome, lines, plan, server };
}

async function refusal(options: ScriptOptions, input: Parameters<typeof planFor>[1] = {}): Promise<string> {
  const error = await controlsOn(options, input).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PreflightError);
  expect((error as PreflightError).exitCode).toBe(3);
  return (error as PreflightError).message;
}

describe('preflight controls: logged out', () => {
  it('learns a 401 from the answer without a session and proves it on a fresh session', async () => {
    const { outcome, lines } = await controlsOn({});
    expect(outcome.report.loggedOut).toEqual({ rule: { status: [401] }, learned: true });
    expect(outcome.report.negativeLogin).toBe('passed');
    expect(outcome.report.requests).toEqual([
      { request: 'GET /me', public: false, loggedOut: { status: 401 }, loggedIn: { status: 200, tries: 1 } },
    ]);
    expect(lines.join('\n')).toContain('learned classify.loggedOut: {"status":[401]}');
  });

  it('learns the redirect to /signin?next=... that the default rule (/login) would call ok', async () => {
    const { outcome, lines } = await controlsOn({ loggedOutRedirect: '/signin?next=%2Fme' });
    const rule = outcome.report.loggedOut.rule;
    expect(rule.redirectTo).toBe('^(?:https?://[^/]+)?/signin(?:[?#]|$)');
    expect(lines.join('\n')).toContain('/signin');
    // The learned rule is what the run classifies by: such an answer to a VU with a session is a mismatch.
    const classify = compileRules(outcome.rules);
    const answer = { status: 302, headers: { location: '/signin?next=%2Fme' }, hadSession: true };
    expect(classify(responseRecord(answer)).class).toBe('mismatch');
    expect(classify(responseRecord({ ...answer, headers: { location: 'http://a.test/signin' } })).class).toBe(
      'mismatch',
    );
    expect(classify(responseRecord({ ...answer, headers: { location: '/signing-bonus' } })).class).toBe('ok');
  });

  it('learns a body marker where the logged-out answer is a 200 login page', async () => {
    const { outcome } = await controlsOn({ loggedOutPage: true });
    expect(outcome.report.loggedOut.rule).toEqual({ status: [], bodyPattern: 'type=["\']?password' });
  });

  it("refuses the profile's rule where it misses, with the evidence and the rule that would fit", async () => {
    const message = await refusal(
      { loggedOutRedirect: '/signin?next=%2Fme' },
      { classify: { loggedOut: { status: [401] } } },
    );
    expect(message).toContain('GET /me sent without a session is not called "not logged in"');
    expect(message).toContain('GET /me -> 302, Location: /signin?next=%2Fme');
    expect(message).toContain(
      'fix: classify.loggedOut: {"status":[],"redirectTo":"^(?:https?://[^/]+)?/signin(?:[?#]|$)"}',
    );
  });

  it('names a request that answers the same with and without a session, unless it is public', async () => {
    const message = await refusal({}, { traffic: { mix: [{ path: '/me' }, { path: '/' }] } });
    expect(message).toContain('GET / answered the same with and without a session in 36 tries');
    expect(message).toContain('mark the mix entry public: true');
    const { outcome, lines } = await controlsOn(
      {},
      { traffic: { mix: [{ path: '/me' }, { path: '/', public: true }] } },
    );
    expect(outcome.report.requests[1]).toEqual({ request: 'GET /', public: true });
    expect(lines.join('\n')).toContain('public (not checked, cannot show a mismatch): GET /');
  });

  it('says the rules call a logged-in answer logged out', async () => {
    const message = await refusal({}, { classify: { loggedOut: { status: [401], bodyPattern: 'user' } } });
    expect(message).toContain('the rules call a logged-in answer logged out');
  });
});

/** A framework's form login: a CSRF value from the login page first; a wrong password gets the page again. */
const formLogin = (extra: Record<string, unknown> = {}) => ({
  auth: {
    credentials: { password: 'secret' },
    login: {
      fields: { username: '{username}', password: '{password}', csrf: '{csrf}' },
      prepare: {
        url: '/login-page',
        extract: [{ name: 'csrf', from: 'cookie' as const, cookie: 'csrftoken' }],
      },
      ...extra,
    },
  },
});

describe('preflight controls: negative login', () => {
  it('learns the success criteria when a wrong password answers 200 too (a form login)', async () => {
    const { outcome, lines } = await controlsOn({ failedLoginPage: 200, csrf: true }, formLogin());
    expect(outcome.report.loginSuccess).toEqual({ rule: { cookie: 'sid' }, learned: true });
    expect(outcome.auth.login.success).toEqual({ cookie: 'sid' });
    expect(lines.join('\n')).toContain(
      'a wrong password answered 200 too; learned auth.login.success: {"cookie":"sid"}',
    );
  });

  it('learns the redirect a right password gets', async () => {
    const { outcome } = await controlsOn(
      { failedLoginPage: 200, csrf: true, loginRedirect: '/account' },
      formLogin(),
    );
    expect(outcome.report.loginSuccess?.rule).toEqual({
      redirectTo: '^(?:https?://[^/]+)?/account(?:[?#]|$)',
    });
  });

  it("refuses where the profile's success criteria pass a wrong password", async () => {
    const message = await refusal(
      { failedLoginPage: 200, csrf: true },
      formLogin({ success: { bodyPattern: 'html|user' } }),
    );
    expect(message).toContain('negative login: a login with a wrong password was judged successful');
    expect(message).toContain(
      'title "Log in | Admin", error "Please enter the correct username and password."',
    );
    expect(message).not.toContain('secret');
  });

  it('can be turned off for targets that lock accounts, and says so', async () => {
    const { outcome, lines, server } = await controlsOn(
      {},
      { auth: { credentials: { password: 'secret' }, login: { negativeControl: false } } },
    );
    expect(outcome.report.negativeLogin).toBe('off');
    expect(lines.join('\n')).toContain('negative login: OFF');
    expect(server.seen.filter((request) => request.path === '/login')).toHaveLength(1);
  });
});

describe('preflight controls: backend identity', () => {
  it('keeps the configured rule when it reads a backend', async () => {
    const { outcome } = await controlsOn({});
    expect(outcome.report.backend).toEqual({
      rule: { from: 'header', name: 'x-backend-id' },
      learned: false,
      measurable: true,
    });
  });

  it('finds a balancer cookie where the configured header reads nothing, and says so', async () => {
    const { outcome, lines } = await controlsOn({ backendSign: 'cookie' });
    expect(outcome.report.backend).toEqual({
      rule: { from: 'cookie', name: 'SERVERID' },
      learned: true,
      measurable: true,
    });
    expect(lines.join('\n')).toContain('using classify.backend: {"from":"cookie","name":"SERVERID"}');
  });

  it("says stickiness cannot be measured, pointing at the report's findings for the header to add", async () => {
    const { outcome, lines } = await controlsOn({ backendSign: 'none' });
    expect(outcome.report.backend.measurable).toBe(false);
    expect(lines.join('\n')).toContain(
      "no answer says which backend served it, so stickiness cannot be measured; the report's findings",
    );
  });
});

/** 2 users, 40 requests, no re-login; after the 10th answer the server forgets every session it holds. */
function runForgettingSessions(backend: ScriptedServer, sink: CollectingSink) {
  const plan = planFor(backend.url, { traffic: { users: 2, requests: 40 }, relogin: 'never' });
  return executeRun(plan, { sinks: [sink, forgetSessionsAfter(backend, 10)] });
}

describe('preflight controls in a run', () => {
  it('stop the run before any user logs in, exit 3', async () => {
    const server = await testServer({ loggedOutRedirect: '/signin?next=%2Fme' });
    const sink = new CollectingSink();
    const plan: Plan = planFor(server.url, {
      traffic: { users: 3, requests: 30 },
      classify: { loggedOut: { status: [401] } },
    });
    await expect(executeRun(plan, { sinks: [sink] })).rejects.toBeInstanceOf(PreflightError);
    expect(sink.logins).toHaveLength(0);
  });

  it('classify by the learned rule: a 302 to /signin is a mismatch, and the report carries the rule', async () => {
    const server = await testServer({ loggedOutRedirect: '/signin?next=%2Fme' });
    const sink = new CollectingSink();
    const result = await runForgettingSessions(server, sink);
    expect(result.controls?.loggedOut.learned).toBe(true);
    const mismatches = sink.responses.filter(({ classification }) => classification.class === 'mismatch');
    expect(mismatches.length).toBeGreaterThanOrEqual(29);
  });
});

describe('sessions that end on the server', () => {
  it('tells answers after the server cleared the session cookie apart from mismatches (session_cleared)', async () => {
    const server = await testServer({ clearCookieOnMiss: true });
    const sink = new CollectingSink();
    await runForgettingSessions(server, sink);
    const classes = sink.responses.map(({ classification }) => classification);
    // One loss per user: the answer that cleared its cookie; what it sent after carried no session.
    expect(classes.filter((c) => c.class === 'mismatch').length).toBeLessThanOrEqual(2);
    expect(classes.filter((c) => c.reason === 'session_cleared').length).toBeGreaterThanOrEqual(28);
  });

  it("calls answers past the server's idle lifetime expired, not mismatches", async () => {
    const server = await testServer({ idleTimeoutMs: 150 });
    const sink = new CollectingSink();
    const plan = planFor(server.url, {
      auth: { credentials: { password: 'secret' }, session: { idleTimeout: '150ms' } },
      traffic: { users: 1, requests: 6, thinkTime: '250ms' },
    });
    await executeRun(plan, { sinks: [sink] });
    const classes = sink.responses.map(({ classification }) => classification.class);
    expect(classes).not.toContain('mismatch');
    expect(classes.filter((name) => name === 'expired').length).toBeGreaterThanOrEqual(3);
  });
});

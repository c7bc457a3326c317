import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/chaos/docker/driver.js';
import { PreflightError, ProfileError, RunAbortedError } from '../../src/errors.js';
import { RequestIds } from '../../src/lab-contract/request-ids.js';
import { engineFacts } from '../../src/run/report.js';
import { executeRun, type PartialRun } from '../../src/run/run.js';
import type { RecordSink } from '../../src/traffic/sink.js';
import type { Sleep } from '../../src/traffic/sleep.js';
import { manualClock } from '../../src/util/clock.js';
import { fakeDocker } from '../chaos/helpers/fake-docker.js';
import { CollectingSink, planFor } from '../helpers/engine-fixtures.js';
import { forgetSessionsAfter, testServer } from '../helpers/scripted-server.js';

describe('executeRun', () => {
  it('logs every user in and sends exactly the requested count, each agreeing with the server log', async () => {
    const backend = await testServer();
    const sink = new CollectingSink();
    const plan = planFor(backend.url, { traffic: { users: 5, requests: 200 } });
    const result = await executeRun(plan, { sinks: [sink] });

    expect(result).toMatchObject({ users: 5, loggedIn: 5, interrupted: false });
    expect(result.traffic.sent).toBe(200);
    expect(sink.logins.filter((login) => login.outcome === 'login_ok')).toHaveLength(5);
    expect(sink.responses).toHaveLength(200);
    const me = backend.seen.filter((request) => request.path === '/me');
    // Preflight's controls asked twice before the run: once without a session, once with the probe's.
    expect(me).toHaveLength(202);
    const seen = new Map(me.map((r) => [r.requestId, r]));
    for (const { record, classification } of sink.responses) {
      const truth = seen.get(record.requestId);
      expect(truth).toMatchObject({
        status: record.status,
        backend: classification?.backend,
        user: record.user,
        vu: String(record.vu),
      });
      expect(classification?.class).toBe('ok');
      expect(record.hadSession).toBe(true);
    }
  });

  it('names the VU in the request id, and in a header of its own only when traffic.vuIdHeader asks', async () => {
    const backend = await testServer();
    await executeRun(planFor(backend.url, { traffic: { users: 3, requests: 30 } }));
    const plain = backend.seen.filter((request) => request.path === '/me');
    expect(plain).toHaveLength(32); // 2 of them preflight's controls

    expect(plain.every((request) => request.headerNames.includes('x-request-id'))).toBe(true);
    expect(plain.some((request) => request.headerNames.includes('x-vu-id'))).toBe(false);

    backend.seen.length = 0;
    const withHeader = new CollectingSink();
    const plan = planFor(backend.url, { traffic: { users: 3, requests: 30, vuIdHeader: 'X-User-Slot' } });
    await executeRun(plan, { sinks: [withHeader] });
    const sent = new Map(backend.seen.map((request) => [request.requestId, request]));
    for (const { record } of withHeader.responses) {
      expect(sent.get(record.requestId)?.headerNames).toContain('x-user-slot');
      expect(sent.get(record.requestId)?.vu).toBe(String(record.vu));
    }
  });

  it('writes a trace line per login and per request', async () => {
    const backend = await testServer();
    const trace = join(tmpdir(), `trace-${process.pid}-${Date.now()}.jsonl`);
    const plan = planFor(backend.url, { traffic: { users: 3, requests: 30 }, outputs: { trace } });
    await executeRun(plan, {});
    const lines = (await readFile(trace, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    await rm(trace);
    // Its clock is named first; where the traffic phase (the reports' origin) starts on it, before the traffic.
    expect(lines[0]).toEqual({ type: 'clock', origin: 'run_start' });
    const trafficStart = lines.findIndex((line) => line.type === 'traffic_start');
    expect(lines[trafficStart]?.at).toBeGreaterThan(0);
    expect(lines.slice(trafficStart).some((line) => line.type === 'login')).toBe(false);
    expect(lines.filter((line) => line.type === 'login')).toHaveLength(3);
    const responses = lines.filter((line) => line.type === 'response');
    expect(responses).toHaveLength(30);
    expect(responses[0]).toMatchObject({ status: 200, class: 'ok', backend: 'b1' });
  });

  it('re-logs a user in after a mismatch (at once, or after 3), and keeps the stale session under "never"', async () => {
    for (const relogin of ['relogin', 'never', 'after 3'] as const) {
      const backend = await testServer();
      const sink = new CollectingSink();
      const plan = planFor(backend.url, { traffic: { users: 2, requests: 40 }, relogin });
      await executeRun(plan, { sinks: [sink, forgetSessionsAfter(backend, 10)] });
      const relogins = sink.logins.filter((login) => login.cause === 'mismatch');
      const mismatches = sink.responses.filter(({ classification }) => classification?.class === 'mismatch');
      if (relogin === 'relogin') {
        expect(relogins.length).toBeGreaterThanOrEqual(1);
        expect(relogins.length).toBeLessThanOrEqual(2);
        expect(relogins.every((login) => login.outcome === 'login_ok')).toBe(true);
        expect(mismatches.length).toBe(relogins.length);
      } else if (relogin === 'after 3') {
        expect(relogins.length).toBeGreaterThanOrEqual(1);
        expect(relogins.length).toBeLessThanOrEqual(2);
        expect(mismatches.length).toBe(relogins.length * 3);
      } else {
        expect(relogins).toHaveLength(0);
        expect(mismatches.length).toBeGreaterThanOrEqual(29);
      }
      await backend.close();
    }
  });

  it('turns a stalling, resetting or garbage-sending server into error records, never a crash', async () => {
    const backend = await testServer();
    const sink = new CollectingSink();
    const plan = planFor(backend.url, {
      target: { timeout: '300ms', maxBodyBytes: 1000 },
      classify: { backend: { from: 'json', path: 'backend' } },
      traffic: {
        users: 4,
        requests: 40,
        mix: [
          { path: '/me' },
          // Answers without a session as with one: public, which preflight does not ask to tell them apart.
          { path: '/stall', public: true },
          { path: '/reset', public: true },
          { path: '/garbage', public: true },
          { path: '/huge', public: true },
        ],
      },
    });
    const result = await executeRun(plan, { sinks: [sink] });
    expect(result.traffic.sent).toBe(40);
    expect(sink.responses).toHaveLength(40);
    const byPath = (path: string) =>
      sink.responses.filter(({ record }) => record.path === path).map(({ record }) => record);
    expect(byPath('/stall').every((record) => record.errorCode === 'ETIMEDOUT')).toBe(true);
    expect(
      byPath('/reset').every((record) => record.errorCode !== undefined && record.status === undefined),
    ).toBe(true);
    expect(byPath('/garbage').every((record) => record.errorCode?.startsWith('HPE_'))).toBe(true);
    for (const record of byPath('/huge')) {
      expect(record).toMatchObject({ status: 200, bodyBytes: 1_000_000, bodyTruncated: true });
      expect(record.body).toHaveLength(1000);
    }
    expect(byPath('/me').every((record) => record.body?.includes('"backend":"b1"'))).toBe(true);
  });

  it('open model: requests keep their schedule and latency counts from the intended start', async () => {
    const backend = await testServer();
    const sink = new CollectingSink();
    const plan = planFor(backend.url, {
      traffic: { users: 1, model: 'open', rate: 50, requests: 20, mix: [{ path: '/slow', public: true }] },
    });
    await executeRun(plan, { sinks: [sink] });
    const records = sink.responses.map(({ record }) => record);
    expect(records).toHaveLength(20);
    records.forEach((record, index) => {
      expect(record.intendedStart - (records[0]?.intendedStart ?? 0)).toBeCloseTo(index * 20, 5);
    });
    // One user answering every 100 ms cannot keep a 20 ms schedule: the lag shows, it is not hidden.
    const last = records.at(-1);
    expect((last?.start ?? 0) - (last?.intendedStart ?? 0)).toBeGreaterThan(1000);
  });

  it('open model: counts the arrivals that were due but never sent when the run ends', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, {
      traffic: { users: 1, model: 'open', rate: 50, duration: '1s', mix: [{ path: '/slow', public: true }] },
    });
    const result = await executeRun(plan);
    // About 50 arrivals are due in 1 s; one user answering every 100 ms starts about 10 of them.
    expect(result.traffic.sent).toBeLessThanOrEqual(12);
    expect(result.traffic.sent + result.traffic.lateArrivals).toBeGreaterThanOrEqual(48);
    expect(result.traffic.sent + result.traffic.lateArrivals).toBeLessThanOrEqual(52);
    expect(engineFacts(result)).toEqual({
      users: 1,
      loggedIn: 1,
      failedRelogins: 0,
      lateArrivals: result.traffic.lateArrivals,
    });
  });

  it('open model: a run that keeps its schedule reports no arrival as never sent', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, {
      traffic: { users: 10, model: 'open', rate: 10, duration: '10s' },
    });
    // Time moves only when the schedule sleeps: every arrival is on time, and the run ends exactly at the
    // next arrival's time (due at the end, not before it: no busy user held it back). The 10 s are the
    // manual clock's; in real time the run takes a few milliseconds, well before its duration timer.
    const clock = manualClock(0);
    const sleep: Sleep = async (ms) => {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(ms);
    };
    const result = await executeRun(plan, { clock, sleep });
    expect(result.traffic.sent).toBe(100);
    expect(result.traffic.lateArrivals).toBe(0);
  });

  it('per-request mode opens a new connection for every request', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, {
      traffic: { users: 2, requests: 20, connection: { mode: 'per-request' } },
    });
    await executeRun(plan, {});
    const before = backend.connections;
    expect(before).toBeGreaterThanOrEqual(20);
  });

  it('keep-alive mode reuses connections', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, { traffic: { users: 2, requests: 50 } });
    await executeRun(plan, {});
    expect(backend.connections).toBeLessThanOrEqual(4);
  });

  it('spreads users over source addresses whose third octet varies', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, {
      traffic: { users: 4, requests: 40, sourceAddresses: { cidr: '127.0.0.0/16' } },
    });
    const sink = new CollectingSink();
    await executeRun(plan, { sinks: [sink] });
    const addressOf = new Map<string, Set<string>>();
    for (const request of backend.seen.filter((r) => r.path === '/me')) {
      const set = addressOf.get(request.vu ?? '') ?? new Set();
      set.add(request.remoteAddress ?? '');
      addressOf.set(request.vu ?? '', set);
    }
    expect([...addressOf.values()].every((set) => set.size === 1)).toBe(true);
    expect(new Set([...addressOf.values()].flatMap((set) => [...set]))).toEqual(
      new Set(['127.0.0.1', '127.0.1.1', '127.0.2.1', '127.0.3.1']),
    );
  });

  it('refuses source addresses outside loopback without the flag', async () => {
    const plan = planFor('http://127.0.0.1:1', { traffic: { sourceAddresses: { cidr: '10.1.0.0/16' } } });
    await expect(executeRun(plan)).rejects.toThrow(ProfileError);
    await expect(executeRun(plan)).rejects.toThrow(/--allow-non-loopback/);
  });

  it('preflight: a target that does not answer fails with its URL', async () => {
    const backend = await testServer();
    const url = backend.url;
    await backend.close();
    const error = await executeRun(planFor(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('preflight: a failed probe login shows URL, status and body, never the password', async () => {
    const backend = await testServer({ echoPassword: true, password: 'other' });
    const sink = new CollectingSink();
    const error = await executeRun(planFor(backend.url), { sinks: [sink] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PreflightError);
    const message = (error as Error).message;
    expect(message).toContain(`POST ${backend.url}/login -> status 401`);
    expect(message).toContain('bad credentials for user1 with [redacted]');
    expect(message).not.toContain('secret');
    expect(sink.logins).toHaveLength(0);
  });

  it('ends by duration, with think time between requests', async () => {
    const backend = await testServer();
    const sink = new CollectingSink();
    const plan = planFor(backend.url, { traffic: { users: 2, duration: '400ms', thinkTime: '50ms' } });
    const result = await executeRun(plan, {
      sinks: [sink],
      requestIds: new RequestIds('d'),
    });
    expect(result.traffic.endedAt - result.traffic.startedAt).toBeLessThan(1500);
    expect(sink.responses.length).toBeGreaterThan(4);
    expect(sink.responses.length).toBeLessThan(40);
    expect(new Set(sink.responses.map(({ record }) => record.requestId)).size).toBe(sink.responses.length);
  });

  it('stops when interrupted and says so', async () => {
    const backend = await testServer();
    const interrupt = new AbortController();
    const plan = planFor(backend.url, { traffic: { users: 2, duration: '30s', thinkTime: '10ms' } });
    setTimeout(() => interrupt.abort(), 300);
    const result = await executeRun(plan, { signal: interrupt.signal });
    expect(result.interrupted).toBe(true);
    expect(result.traffic.endedAt - result.traffic.startedAt).toBeLessThan(2000);
  });

  it('adds background pressure at a fixed rate and reports it apart', async () => {
    const backend = await testServer();
    const sink = new CollectingSink();
    const plan = planFor(backend.url, {
      traffic: {
        users: 2,
        duration: '1s',
        thinkTime: '20ms',
        background: { path: '/', rate: 100, connections: 2 },
      },
    });
    const result = await executeRun(plan, { sinks: [sink] });
    const background = result.background;
    expect(background).toMatchObject({ path: '/', targetRate: 100, errors: 0, non2xx: 0 });
    expect(background?.responses).toBeGreaterThan(50);
    expect(background?.responses).toBeLessThan(200);
    const sessionless = backend.seen.filter((request) => request.path === '/' && request.vu === undefined);
    // The preflight's one request is session-less too; autocannon leaves out answers that arrive after it stops.
    expect(sessionless.length - 1).toBeGreaterThanOrEqual(background?.responses ?? 0);
    expect(sessionless.length - 1).toBeLessThanOrEqual((background?.responses ?? 0) + 4);
    expect(sink.responses.every(({ record }) => record.path === '/me')).toBe(true);
  });

  it('hands what it saw to onFailed when it throws: users, logins, summary, the chaos journal', async () => {
    const backend = await testServer({ acceptLogins: 1 });
    const docker = fakeDocker([{ id: 'c1', name: 'web-1' }]);
    const plan = planFor(backend.url, {
      traffic: { users: 3, duration: '5s' },
      chaos: { events: [{ action: 'restart', at: '1s', target: { name: 'web-1' } }] },
    });
    const partials: PartialRun[] = [];
    const run = executeRun(plan, {
      chaosDrivers: { docker: dockerDriver(docker) },
      onFailed: (partial) => partials.push(partial),
    });
    await expect(run).rejects.toThrow(RunAbortedError);
    await expect(run).rejects.toThrow('no virtual user logged in (3 tried)');
    expect(partials).toHaveLength(1);
    expect(partials[0]).toMatchObject({
      users: 3,
      loggedIn: 0,
      summary: { counts: { total: 0, logins: { login_ok: 0, login_failed: 3 } } },
      chaos: { journal: { actions: [] } },
    });
    // Preflight listed the target; no action ran, since the traffic phase never started.
    expect(docker.calls).toEqual(['list {"name":"web-1"}']);
  });

  it('calls onFailed with no login count when it throws before the login phase, and not at all when it ends', async () => {
    const partials: PartialRun[] = [];
    const refused = executeRun(planFor('http://127.0.0.1:9', { traffic: { users: 2, requests: 2 } }), {
      onFailed: (partial) => partials.push(partial),
    });
    await expect(refused).rejects.toThrow(PreflightError);
    expect(partials).toHaveLength(1);
    expect(partials[0]?.loggedIn).toBeUndefined();
    expect(partials[0]?.summary.counts.total).toBe(0);

    const backend = await testServer();
    const ended: PartialRun[] = [];
    await executeRun(planFor(backend.url, { traffic: { users: 2, requests: 4 } }), {
      onFailed: (partial) => ended.push(partial),
    });
    expect(ended).toEqual([]);
  });

  it('keeps the background pressure it had started in what it hands to onFailed', async () => {
    const backend = await testServer();
    const plan = planFor(backend.url, {
      traffic: { users: 1, duration: '2s', background: { path: '/', rate: 50, connections: 1 } },
    });
    const broken: RecordSink = {
      onLogin: () => undefined,
      onResponse: () => {
        throw new Error('a sink broke');
      },
    };
    const partials: PartialRun[] = [];
    await expect(
      executeRun(plan, { sinks: [broken], onFailed: (partial) => partials.push(partial) }),
    ).rejects.toThrow('a sink broke');
    expect(partials).toHaveLength(1);
    expect(partials[0]).toMatchObject({ users: 1, loggedIn: 1, background: { path: '/', targetRate: 50 } });
  });
});

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outputFlags, reportFiles } from '../helpers/report-files.js';
import { testServer } from '../helpers/scripted-server.js';
import { testDir } from '../helpers/test-dir.js';
import { runCliChild } from './signal-child.js';

/**
 * SIGINT and SIGTERM in each phase of a real child process: the run ends soon after the phase's own cleanup,
 * writes every report (verdict interrupted) and exits 130. Each run would otherwise last far longer (a 30 s
 * traffic phase, a 20 s target timeout, a rollback that never answers).
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Written {
  verdict: { status: string; exitCode: number; message?: string };
  summary: { counts: { total: number; logins: Record<string, number>; classes: Record<string, number> } };
  engine?: { loggedIn?: number };
}

/**
 * Starts the run, waits for `phase` on stderr and `afterMs` more, sends the signals, and returns what the
 * child left behind.
 */
async function interruptAt(
  profileText: string,
  { phase, signals, afterMs = 300 }: { phase: RegExp; signals: NodeJS.Signals[]; afterMs?: number },
) {
  const dir = testDir('session-chaos-signals-');
  const profile = join(dir, 'p.yaml');
  writeFileSync(profile, profileText);
  const files = reportFiles(dir);
  // The chaos ledger goes to a directory of the test's own: what it says is left down is not the machine's.
  const run = runCliChild(['run', '-p', profile, '--quiet', ...outputFlags(files)], {
    SESSION_CHAOS_STATE_DIR: join(dir, 'state'),
  });
  cleanups.push(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  await run.waitFor(phase);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const sentAt = Date.now();
  for (const [index, signal] of signals.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    run.child.kill(signal);
  }
  const exit = await run.exited;
  const read = (path: string): string => readFileSync(path, 'utf8');
  return {
    ...exit,
    dir,
    elapsedMs: exit.at - sentAt,
    result: JSON.parse(read(files.json)) as Written,
    junit: read(files.junit),
    markdown: read(files.markdown),
  };
}

const profileFor = (url: string, extra: string) =>
  `target:\n  url: ${url}\n  timeout: 20s\nauth:\n  credentials:\n    password: secret\n${extra}`;

/** A run that `signal` alone cut short: exit 130, and the JSON, JUnit and Markdown reports all say so. */
function expectInterruptedBy(outcome: Awaited<ReturnType<typeof interruptAt>>, signal: NodeJS.Signals): void {
  expect(outcome.code).toBe(130);
  expect(outcome.result.verdict).toMatchObject({
    status: 'interrupted',
    exitCode: 130,
    message: `interrupted by ${signal}`,
  });
  expect(outcome.junit).toContain('type="interrupted"');
  expect(outcome.markdown).toContain(`INTERRUPTED: interrupted by ${signal}`);
}

describe('session-chaos run interrupted by a signal', () => {
  it('in preflight (a target that never answers): exit 130, every report written, verdict interrupted', async () => {
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const outcome = await interruptAt(
      profileFor(`http://127.0.0.1:${address.port}`, 'traffic:\n  users: 2\n  duration: 30s\n'),
      { phase: /preflight: /, signals: ['SIGINT'] },
    );
    expectInterruptedBy(outcome, 'SIGINT');
    // Not the target's 20 s timeout.
    expect(outcome.elapsedMs).toBeLessThan(10_000);
  }, 60_000);

  it('in the login phase: no traffic phase follows, exit 130, the reports say what logged in', async () => {
    const server = await testServer();
    const outcome = await interruptAt(
      profileFor(
        server.url,
        'traffic:\n  users: 40\n  duration: 30s\n  thinkTime: 10ms\n  login:\n    rampUp: 20s\n    concurrency: 1\n',
      ),
      { phase: /login phase: /, signals: ['SIGINT'], afterMs: 1000 },
    );
    expectInterruptedBy(outcome, 'SIGINT');
    // Before the fix, the users logged in so far sent traffic for the whole 30 s.
    expect(outcome.result.summary.counts.total).toBe(0);
    expect(outcome.result.engine?.loggedIn).toBeGreaterThan(0);
    expect(outcome.result.engine?.loggedIn).toBeLessThan(40);
    expect(outcome.elapsedMs).toBeLessThan(10_000);
  }, 60_000);

  it('in the login phase with logins in flight (each takes 30 s): they end at once, exit 130 within 2 s', async () => {
    // The first user is preflight's probe, and logs in at once; every other login waits 30 s for its answer.
    const server = await testServer({ loginDelayMs: (name) => (name === 'user1' ? 0 : 30_000) });
    const outcome = await interruptAt(
      profileFor(server.url, 'traffic:\n  users: 20\n  duration: 30s\n  login:\n    concurrency: 10\n'),
      { phase: /login phase: /, signals: ['SIGINT'], afterMs: 1000 },
    );
    expectInterruptedBy(outcome, 'SIGINT');
    expect(outcome.result.engine?.loggedIn).toBe(1);
    // The logins the signal cut short said nothing of the server: they are not counted as login errors.
    expect(outcome.result.summary.counts.logins).toEqual({ login_ok: 1, login_failed: 0, login_error: 0 });
    expect(outcome.result.summary.counts.total).toBe(0);
    // Before, the run waited for the logins in flight: the target's 20 s timeout.
    expect(outcome.elapsedMs).toBeLessThan(2000);
  }, 60_000);

  it('in the traffic phase (SIGTERM), answers in flight (a backend that hangs): exit 130 within 2 s with what was measured', async () => {
    // Preflight's probes and the first requests are answered; from the 30th /me on the server never answers.
    const server = await testServer({ answerMe: 30 });
    const outcome = await interruptAt(
      profileFor(server.url, 'traffic:\n  users: 4\n  duration: 30s\n  thinkTime: 20ms\n'),
      { phase: /traffic phase: /, signals: ['SIGTERM'], afterMs: 1000 },
    );
    expectInterruptedBy(outcome, 'SIGTERM');
    // The requests the signal cut short are not counted as errors: what was answered is what was measured.
    expect(outcome.result.summary.counts.total).toBeGreaterThan(0);
    expect(outcome.result.summary.counts.classes).toMatchObject({ error: 0 });
    // Before, the run waited for the answers in flight: the target's 20 s timeout.
    expect(outcome.elapsedMs).toBeLessThan(2000);
  }, 60_000);

  it('a second signal during a chaos rollback that hangs: the reports are written and name what was left down', async () => {
    const server = await testServer();
    const docker = await fakeDocker('lab-app2');
    const outcome = await interruptAt(
      profileFor(
        server.url,
        [
          'traffic:\n  users: 2\n  duration: 30s\n  thinkTime: 20ms\n',
          `chaos:\n  docker:\n    host: unix://${docker.socketPath}`,
          '\n  events:\n    - action: stop\n      at: 0s\n      target: { name: lab-app2 }\n',
        ].join(''),
      ),
      { phase: /traffic phase: /, signals: ['SIGINT', 'SIGINT'], afterMs: 1000 },
    );
    expect(docker.stopped).toBe(true);
    expect(docker.startsSeen).toBeGreaterThan(0);
    expect(outcome.code).toBe(130);
    expect(outcome.result.verdict.status).toBe('interrupted');
    expect(outcome.result.verdict.message).toBe(
      'interrupted by SIGINT; the chaos rollback was cut short by a second signal; left down: lab-app2 ' +
        '(bring back with: session-chaos recover)',
    );
    expect(outcome.markdown).toContain('left down: lab-app2');
    // The ledger still says so, for `session-chaos recover`.
    expect(readdirSync(join(outcome.dir, 'state', 'ledger'))).toHaveLength(1);
    expect(outcome.elapsedMs).toBeLessThan(10_000);
  }, 60_000);
});

/**
 * A Docker Engine on a Unix socket with one running container, which stops when asked and never answers a
 * start (the rollback then waits for ever unless cut short).
 */
async function fakeDocker(name: string) {
  const dir = testDir('session-chaos-signals-');
  const socketPath = join(dir, 'docker.sock');
  const state = { stopped: false, startsSeen: 0 };
  const hanging = new Set<ServerResponse>();
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'api-version': '1.41', ...headers });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://docker').pathname.replace(/^\/v1\.\d+/, '');
    const status = state.stopped ? 'exited' : 'running';
    if (path === '/_ping') {
      res.writeHead(200, { 'api-version': '1.41', 'content-type': 'text/plain' });
      res.end('OK');
    } else if (path === '/containers/json') {
      json(res, 200, [{ Id: 'c1', Names: [`/${name}`], Image: 'lab', State: status, Labels: {} }]);
    } else if (path === '/containers/c1/json') {
      json(res, 200, { Id: 'c1', Name: `/${name}`, State: { Status: status } });
    } else if (path === '/containers/c1/stop' && req.method === 'POST') {
      state.stopped = true;
      res.writeHead(204);
      res.end();
    } else if (path === '/containers/c1/start' && req.method === 'POST') {
      state.startsSeen++;
      hanging.add(res);
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      hanging.add(res);
    } else {
      json(res, 404, { message: `page not found: ${path}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    socketPath,
    get stopped() {
      return state.stopped;
    },
    get startsSeen() {
      return state.startsSeen;
    },
  };
}

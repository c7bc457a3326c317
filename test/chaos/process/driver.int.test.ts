import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChaosTarget } from '../../../src/chaos/driver.js';
import { processDriver } from '../../../src/chaos/process/driver.js';
import { listenersOf, listeningInodes } from '../../../src/chaos/process/listeners.js';
import { PreflightError } from '../../../src/errors.js';
import { isAlive, type ProcessIdentity, processStartTime, readProcStat } from '../../../src/util/proc.js';
import { fixtureText } from '../../helpers/fixture-text.js';

/** Real processes on 127.0.0.1 (started here, killed by pid after each test): the process driver's claims. */
const dir = mkdtempSync(join(tmpdir(), 'sc-process-driver-'));
const started: ChildProcess[] = [];
/** Processes a restart command started (detached, so not children of this one): killed after each test too. */
const restarted: ProcessIdentity[] = [];
const driver = processDriver({ stopTimeoutMs: 500, pollMs: 20 });

/** A server on a free port; `ignoreTerm` makes SIGTERM do nothing; `share` forks a child holding the socket too. */
const serverScript = `
const http = require('node:http');
const { fork } = require('node:child_process');
if (process.argv[2] === 'worker') {
  process.on('message', (_m, server) => { if (server) http.createServer((q, s) => s.end('w')).listen(server); });
} else {
  const server = http.createServer((q, s) => s.end('ok'));
  server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    if (process.env.SHARE) { const w = fork(__filename, ['worker']); w.send('server', server); }
    if (process.env.PID_FILE) require('node:fs').writeFileSync(process.env.PID_FILE, String(process.pid));
    console.log(server.address().port);
  });
  if (process.env.IGNORE_TERM) process.on('SIGTERM', () => undefined);
}
`;
const scriptPath = join(dir, 'server.js');
writeFileSync(scriptPath, serverScript);

function server(env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [scriptPath], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(child);
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, port: Number(chunk.toString().trim()) }));
    child.once('error', reject);
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGCONT');
        child.kill('SIGKILL');
      } catch {}
    }
  }
  for (const identity of restarted.splice(0).filter(isAlive)) {
    try {
      process.kill(identity.pid, 'SIGCONT');
      process.kill(identity.pid, 'SIGKILL');
    } catch {}
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The process that listens on the port now, started by a restart: this test's, so killed after it. */
function restartedOn(port: number): number | undefined {
  const [pid] = listenersOf(port);
  if (pid !== undefined) restarted.push({ pid, startTime: processStartTime(pid) ?? 0 });
  return pid;
}

async function byPort(port: number, start?: string[]): Promise<ChaosTarget> {
  const [target] = await driver.resolve(
    { port },
    start === undefined ? undefined : ({ action: 'restart', start } as never),
  );
  if (target === undefined) throw new Error(`nothing on ${port}`);
  return target;
}

describe('listeningInodes', () => {
  it('finds listeners on 127.0.0.1, 0.0.0.0 and :: for the port, and nothing else', () => {
    const tcp = fixtureText('proc-net-tcp.txt');
    const tcp6 = fixtureText('proc-net-tcp6.txt');
    // The tables (ports in hex, 1F90 = 8080): inode 111 listens on 127.0.0.1:8080, 222 is a connection to it,
    // 333 listens on 192.168.0.2:8080, 444 on 0.0.0.0:8081, and 555 on [::]:8080. For 8080: the loopback
    // listener and the :: one; not the connection, not the one on 192.168.0.2.
    expect([...listeningInodes([tcp, tcp6], 8080)]).toEqual(['111', '555']);
    expect([...listeningInodes([tcp, tcp6], 8081)]).toEqual(['444']);
  });
});

describe('the process driver on real processes', () => {
  it('finds a process by port, pid file and pid, and says back only while it runs and answers', async () => {
    const pidFile = join(dir, 'a.pid');
    const { child, port } = await server({ PID_FILE: pidFile });
    expect(listenersOf(port)).toEqual([child.pid]);
    const [byFile] = await driver.resolve({ pidFile });
    const [byPid] = await driver.resolve({ pid: child.pid ?? 0 });
    const target = await byPort(port);
    expect([target.name, byFile?.name, byPid?.name]).toEqual([
      `127.0.0.1:${port}`,
      `${pidFile} (pid ${child.pid})`,
      `pid ${child.pid}`,
    ]);
    expect(await driver.isBack(target)).toBe(true);
    expect(await driver.act(target, 'pause')).toBe('done');
    expect(readProcStat(child.pid ?? 0)?.state).toBe('T');
    // The kernel still accepts connections for a stopped process: back means it is not stopped as well.
    expect(await driver.isBack(target)).toBe(false);
    expect(await driver.act(target, 'pause')).toBe('already-paused');
    expect(await driver.act(target, 'unpause')).toBe('done');
    expect(await driver.act(target, 'unpause')).toBe('not-paused');
    expect(await driver.isBack(target)).toBe(true);
  });

  it('stops with SIGTERM, and SIGKILL after the timeout for a process that ignores it', async () => {
    const polite = await server();
    expect(await driver.act(await byPort(polite.port), 'stop')).toBe('done');
    expect(await waitFor(() => polite.child.signalCode !== null)).toBe(true);
    expect(polite.child.signalCode).toBe('SIGTERM');
    const stubborn = await server({ IGNORE_TERM: '1' });
    const target = await byPort(stubborn.port);
    const before = Date.now();
    expect(await driver.act(target, 'stop', { timeoutMs: 300 })).toBe('done');
    expect(Date.now() - before).toBeGreaterThanOrEqual(300);
    expect(await waitFor(() => stubborn.child.signalCode !== null)).toBe(true);
    expect(stubborn.child.signalCode).toBe('SIGKILL');
    expect(await driver.act(target, 'stop')).toBe('already-stopped');
  });

  it('kills with the signal given, and restarts with the start command, {port} filled in', async () => {
    const { child, port } = await server();
    const start = [
      process.execPath,
      '-e',
      `require('node:child_process').spawn(process.execPath, [${JSON.stringify(scriptPath)}], { env: { ...process.env, PORT: process.argv[1] }, detached: true, stdio: 'ignore' }).unref(); setTimeout(() => undefined, 300)`,
      '{port}',
    ];
    const target = await byPort(port, start);
    expect(await driver.act(target, 'kill', { signal: 'SIGUSR2' })).toBe('done');
    // Done means it took effect: the process no longer holds its port, so it is not taken for back.
    expect(await driver.isBack(target)).toBe(false);
    expect(await waitFor(() => child.signalCode === 'SIGUSR2')).toBe(true);
    expect(await driver.act(target, 'restart')).toBe('done');
    expect(await waitFor(() => driver.isBack(target))).toBe(true);
    expect(restartedOn(port)).not.toBe(child.pid);
    // The rollback of a stopped target starts it; of a paused one, continues it.
    await driver.act(target, 'pause');
    expect(await driver.restore(target)).toEqual({ outcome: 'restored', action: 'unpause' });
    await driver.act(target, 'stop');
    expect(await driver.restore(target)).toEqual({ outcome: 'restored', action: 'start' });
    expect(await driver.restore(target)).toMatchObject({ outcome: 'already-fine' });
    restartedOn(port);
  });

  it('will not start what it has no command for, and says so', async () => {
    const { port } = await server();
    const target = await byPort(port);
    await driver.act(target, 'stop');
    expect(await driver.restore(target)).toEqual({
      outcome: 'failed',
      action: 'start',
      error: `127.0.0.1:${port} is down and no start command was given (chaos event field start)`,
    });
  });

  it('refuses a port held by more than one process, naming them', async () => {
    const { child, port } = await server({ SHARE: '1' });
    expect(await waitFor(() => listenersOf(port).length === 2)).toBe(true);
    const holders = listenersOf(port);
    const error = await driver.resolve({ port }).catch((e: unknown) => e);
    // The worker is this test's too (forked by its server): killed by pid.
    for (const pid of holders.filter((pid) => pid !== child.pid)) process.kill(pid, 'SIGKILL');
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toContain(
      `127.0.0.1:${port} is held by 2 processes (pids ${child.pid}, `,
    );
  });

  it('never signals a pid that now belongs to another process', async () => {
    const { child } = await server();
    const [target] = await driver.resolve({ pid: child.pid ?? 0 });
    if (target === undefined) throw new Error('no target');
    const reused: ChaosTarget = {
      ...target,
      detail: { locator: { kind: 'pid', pid: child.pid, startTime: 1 } },
    };
    expect(await driver.act(reused, 'pause')).toBe('not-running');
    expect(readProcStat(child.pid ?? 0)?.state).not.toBe('T');
    expect(await driver.resolve({ pid: 999_999_999 })).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCommand } from '../../src/cli/commands/lab.js';
import { type LabFacts, stopLab } from '../../src/lab/index.js';
import type { LabStatus } from '../../src/lab/status.js';
import { call, labPerTest } from './helpers.js';

/** Runs `session-chaos lab ...` in this process and returns what it printed. */
async function lab(...args: string[]): Promise<string> {
  let out = '';
  await labCommand((text) => {
    out += text;
  }).parseAsync(args, { from: 'user' });
  return out;
}

const cli = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));

/** Runs `session-chaos ...` as its own process, which has exited when this returns. */
function labProcess(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('session-chaos lab up|status|down', () => {
  // Lab state files live under the temp dir: a private one keeps `down --all` here away from the labs of
  // anyone else on this machine (child processes inherit it).
  const savedTmpdir = process.env.TMPDIR;
  const privateTmp = mkdtempSync(join(tmpdir(), 'session-chaos-cli-test-'));
  const started: string[] = [];

  beforeAll(() => {
    process.env.TMPDIR = privateTmp;
  });
  // Like the labs this file starts with `lab up`: processes, one backend.
  const startLab = labPerTest({ runtime: 'process', backends: 1 });
  afterAll(async () => {
    // Only labs a failed test left behind.
    for (const id of started) await stopLab(id).catch(() => {});
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    rmSync(privateTmp, { recursive: true, force: true });
  });

  it('up --json starts a lab that outlives the command process, status sees it, down removes it', async () => {
    const up = labProcess(
      'lab',
      'up',
      ...['--balancer', 'nginx-iphash', '--sessions', 'jwt', '--runtime', 'process', '--backends', '2'],
      '--json',
    );
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    const facts = JSON.parse(up.stdout) as LabFacts;
    started.push(facts.id);
    expect(facts).toMatchObject({ runtime: 'process', sessions: 'jwt', balancer: { kind: 'nginx-iphash' } });
    expect(facts.backends.map((b) => b.name)).toEqual(['b1', 'b2']);
    expect((await call(`${facts.url}/healthz`)).status).toBe(200);

    const status = JSON.parse(await lab('status', facts.id, '--json')) as LabStatus[];
    expect(status).toEqual([
      expect.objectContaining({
        id: facts.id,
        url: facts.url,
        owner: null,
        balancer: { kind: 'nginx-iphash', running: true },
        backends: [
          { name: 'b1', url: facts.backends[0]?.url, state: 'running' },
          { name: 'b2', url: facts.backends[1]?.url, state: 'running' },
        ],
      }),
    ]);

    expect(await lab('down', facts.id)).toBe(`lab ${facts.id} is down\n`);
    await expect(call(`${facts.url}/healthz`)).rejects.toThrow();
    await expect(call(`${facts.backends[0]?.url}/healthz`)).rejects.toThrow();
    expect(existsSync(facts.dir)).toBe(false);
    await expect(lab('status', facts.id)).rejects.toThrow(`no lab with id ${facts.id}`);
  });

  it('down --all removes labs left by lab up, and leaves alone a lab a running process owns', async () => {
    const owned = await startLab({ balancer: 'haproxy-roundrobin', sessions: 'memory' });
    const detached = JSON.parse(
      await lab('up', '--runtime', 'process', '--backends', '1', '--json'),
    ) as LabFacts;
    started.push(detached.id);

    const statuses = JSON.parse(await lab('status', '--json')) as LabStatus[];
    expect(statuses.map((s) => [s.id, s.owner]).sort()).toEqual(
      [
        [owned.id, process.pid],
        [detached.id, null],
      ].sort(),
    );

    expect(await lab('down', '--all')).toBe(`lab ${detached.id} is down\n`);
    expect((await call(`${owned.url}/healthz`)).status).toBe(200);
    await expect(call(`${detached.url}/healthz`)).rejects.toThrow();
  });

  it('a bad choice is a usage error: exit code 2', () => {
    expect(labProcess('lab', 'up', '--balancer', 'traefik').status).toBe(2);
  });

  it('up rejects a bad flag value with a usage error naming the flag', async () => {
    await expect(lab('up', '--runtime', 'process', '--replication-lag', 'soon')).rejects.toThrow(
      '--replication-lag: "soon" is not a duration',
    );
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCommand } from '../../src/cli/commands/lab.js';
import type { LabFacts } from '../../src/lab/index.js';
import { stopLab } from '../../src/lab/index.js';
import type { LabStatus } from '../../src/lab/status.js';
import { bundleBackend, call } from './helpers.js';

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
function labProcess(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

describe('session-chaos lab up|status|down', () => {
  let facts: LabFacts | undefined;
  beforeAll(() => bundleBackend());
  afterAll(async () => {
    // Only if a test failed before `down` ran.
    if (facts !== undefined && existsSync(facts.dir)) await stopLab(facts.id);
  });

  it('up --json starts a lab that outlives the command process, status sees it, down removes it', async () => {
    const up = await lab(
      'up',
      '--balancer',
      'nginx-iphash',
      '--sessions',
      'jwt',
      '--runtime',
      'process',
      '--backends',
      '2',
      '--json',
    );
    facts = JSON.parse(up) as LabFacts;
    expect(facts).toMatchObject({ runtime: 'process', sessions: 'jwt', balancer: { kind: 'nginx-iphash' } });
    expect(facts.backends.map((b) => b.name)).toEqual(['b1', 'b2']);
    expect((await call(`${facts.url}/healthz`)).status).toBe(200);

    const status = JSON.parse(await lab('status', facts.id, '--json')) as LabStatus[];
    expect(status).toEqual([
      expect.objectContaining({
        id: facts.id,
        url: facts.url,
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

  it('a bad choice is a usage error: exit code 2', () => {
    expect(labProcess('lab', 'up', '--balancer', 'traefik').status).toBe(2);
  });

  it('up rejects a bad flag value with a usage error naming the flag', async () => {
    await expect(lab('up', '--runtime', 'process', '--replication-lag', 'soon')).rejects.toThrow(
      '--replication-lag: "soon" is not a duration',
    );
  });
});

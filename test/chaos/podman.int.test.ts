import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerDriverFrom } from '../../src/chaos/docker/driver.js';
import type { ChaosDriver, ChaosTarget } from '../../src/chaos/driver.js';
import { createChaosJournal } from '../../src/chaos/journal.js';
import { createChaosRunner } from '../../src/chaos/runner.js';
import { freePort } from '../../src/lab/ports.js';
import { systemClock } from '../../src/util/clock.js';
import { ensureTestImages, freezeAction, testImage } from './helpers/containers.js';

/**
 * The Docker driver through Podman's Docker-compatible API (`podman system service`, rootful, Debian's podman
 * 4.3), every action on a container on the host network. The container gets low ulimits: this machine's runc
 * may not set the limits Podman asks for by default ("error setting rlimit type 6: operation not permitted").
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'sc-podman-'));
const socket = join(dir, 'podman.sock');
const name = `sc-podman-${randomUUID().slice(0, 8)}`;
let service: ChildProcess | undefined;
let driver: ChaosDriver;
let target: ChaosTarget;
let port = 0;

async function podman(args: readonly string[]): Promise<string> {
  return (await run('podman', args, { maxBuffer: 16 << 20 })).stdout.trim();
}

beforeAll(async () => {
  try {
    await podman(['--version']);
  } catch {
    throw new Error('podman is missing: install it (scripts/lab-setup.sh does) to test chaos through Podman');
  }
  service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
  await ensureTestImages();
  if (
    !(await podman(['image', 'exists', `localhost/${testImage}`]).then(
      () => true,
      () => false,
    ))
  ) {
    await run('sh', ['-c', `docker save ${testImage} | podman load`], { maxBuffer: 16 << 20 });
  }
  port = await freePort();
  await podman([
    'run',
    '--detach',
    '--name',
    name,
    '--network',
    'host',
    '--ulimit',
    'nofile=1024:1024',
    '--ulimit',
    'nproc=1024:1024',
    '--env',
    `PORT=${port}`,
    `localhost/${testImage}`,
  ]);
  driver = dockerDriverFrom({ host: `unix://${socket}` }, {});
  for (let tries = 0; ; tries++) {
    try {
      await driver.connect();
      break;
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const [found] = await driver.resolve({ name });
  if (found === undefined) throw new Error(`Podman does not list ${name}`);
  target = found;
}, 180_000);

afterAll(async () => {
  await driver?.close();
  await podman(['rm', '--force', name]).catch(() => undefined);
  if (service?.pid !== undefined) process.kill(service.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const answers = async (): Promise<boolean> =>
  fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then(
    (response) => response.ok,
    () => false,
  );

describe('chaos through Podman', () => {
  it('speaks its API and does every action, answering repeats as Docker does', async () => {
    expect(await driver.connect()).toMatch(/^Docker at unix:\/\/.*podman\.sock, API 1\.4\d$/);
    const steps: Array<[string, string]> = [];
    for (const action of [
      'pause',
      'pause',
      'unpause',
      'unpause',
      'stop',
      'stop',
      'start',
      'start',
      'restart',
      'kill',
      'kill',
      'start',
    ] as const) {
      steps.push([
        action,
        await driver.act(
          target,
          action,
          action === 'stop' || action === 'restart' ? { timeoutMs: 1_000 } : {},
        ),
      ]);
    }
    expect(steps).toEqual([
      ['pause', 'done'],
      ['pause', 'already-paused'],
      ['unpause', 'done'],
      ['unpause', 'not-paused'],
      ['stop', 'done'],
      ['stop', 'already-stopped'],
      ['start', 'done'],
      ['start', 'already-running'],
      ['restart', 'done'],
      ['kill', 'done'],
      ['kill', 'not-running'],
      ['start', 'done'],
    ]);
    expect(await driver.isBack(target)).toBe(true);
  });

  it('runs a timeline, records Podman events, and rolls back what it left down', async () => {
    const journal = createChaosJournal();
    const runner = createChaosRunner({
      drivers: () => driver,
      clock: systemClock,
      journal,
      actions: [
        freezeAction([target]),
        {
          seq: 2,
          event: 1,
          label: 'halt',
          occurrence: 1,
          atMs: 1_000,
          action: 'stop',
          driver: 'docker',
          targets: [target],
          rolling: false,
          stopTimeoutMs: 1_000,
          waitTimeoutMs: 10_000,
        },
      ],
    });
    await runner.start();
    expect(await answers()).toBe(false);
    const records = await runner.rollback();
    expect(records.map((record) => [record.action, record.outcome])).toEqual([['start', 'restored']]);
    expect(journal.actions.filter((a) => a.origin === 'undo').map((a) => [a.action, a.outcome])).toEqual([
      ['unpause', 'done'],
    ]);
    expect(journal.targetEvents.map((event) => event.action)).toEqual(
      expect.arrayContaining(['pause', 'unpause', 'start']),
    );
    for (let tries = 0; tries < 50 && !(await answers()); tries++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await answers()).toBe(true);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabFacts } from '../../src/lab/index.js';
import { labStateDir } from '../../src/lab/state.js';
import { dockerEngine } from './docker-engine.js';
import { bundleBackend } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/lab-until-signal.ts', import.meta.url));

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    // A zombie is dead too: it only waits for its parent to reap it.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function startInChild(options: object): Promise<{ child: ChildProcess; facts: LabFacts }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`the lab child exited (${code}) before printing its facts`)),
    );
  });
  return { child, facts: JSON.parse(first) as LabFacts };
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

describe('a lab goes with the process that started it', () => {
  beforeAll(() => bundleBackend());

  it.each([
    ['SIGINT', 'docker'],
    ['SIGTERM', 'process'],
  ] as const)(
    'on %s (backends as %s) every container, process and file is removed',
    async (signal, runtime) => {
      const { child, facts } = await startInChild({ balancer: 'haproxy-cookie', sessions: 'redis', runtime });
      const pids = [facts.balancer.pid, facts.redis?.pid, ...facts.backends.map((b) => b.pid)].filter(
        (pid): pid is number => pid !== undefined,
      );
      expect(pids.every(alive)).toBe(true);

      const done = exited(child);
      child.kill(signal);
      expect(await done).toBe(signal);

      expect(pids.filter(alive)).toEqual([]);
      const filters = encodeURIComponent(JSON.stringify({ label: [`session-chaos.lab=${facts.id}`] }));
      expect(
        (await dockerEngine<unknown[]>('GET', `/containers/json?all=1&filters=${filters}`)).body,
      ).toEqual([]);
      expect(existsSync(facts.dir)).toBe(false);
      expect(existsSync(join(labStateDir(), `${facts.id}.json`))).toBe(false);
    },
  );
});

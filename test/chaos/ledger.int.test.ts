import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDir } from '../../src/chaos/ledger.js';
import { prepareChaosSession } from '../../src/chaos/session.js';
import { freePort } from '../../src/lab/ports.js';
import { resolvePlan } from '../../src/profile/load.js';
import { systemClock } from '../../src/util/clock.js';
import { runCli } from '../cli/run-cli.js';
import { testDir } from '../helpers/test-dir.js';
import {
  containerStatus,
  ensureTestImages,
  removeContainers,
  runTestContainer,
  testLabel,
} from './helpers/containers.js';

const script = fileURLToPath(new URL('./fixtures/ledgered-chaos.ts', import.meta.url));
const run = randomUUID().slice(0, 8);
const created: string[] = [];

beforeAll(async () => {
  await ensureTestImages();
});

afterAll(async () => {
  await removeContainers(created);
});

async function container(tag: string, ignoreSigterm: boolean): Promise<{ id: string; name: string }> {
  const name = `sc-ledger-${run}-${tag}`;
  const id = await runTestContainer({
    name,
    port: await freePort(),
    labels: { [testLabel]: run },
    ignoreSigterm,
  });
  created.push(id);
  return { id, name };
}

/** Starts the fixture and SIGKILLs it once it printed `line` (and `afterMs` more passed). */
function killAfter(
  args: string[],
  env: NodeJS.ProcessEnv,
  line: string,
  afterMs: number,
): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture never printed ${line}: ${stdout} ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').includes(line)) setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ signal, stdout, stderr });
    });
  });
}

/**
 * A container of its own, and the fixture acting on it with a state dir of its own, SIGKILLed once it printed
 * `line` (and `afterMs` more passed).
 */
async function killedDuring(action: 'stop' | 'pause', ignoreSigterm: boolean, line: string, afterMs: number) {
  const env = { SESSION_CHAOS_STATE_DIR: testDir('sc-ledger-') };
  const target = await container(action, ignoreSigterm);
  const killed = await killAfter([action, target.id, target.name], env, line, afterMs);
  expect(killed.signal).toBe('SIGKILL');
  return { env, target, killed };
}

async function statusBecomes(id: string, wanted: string, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  let status = await containerStatus(id);
  while (status !== wanted && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = await containerStatus(id);
  }
  return status;
}

function ledgerFiles(env: NodeJS.ProcessEnv): string[] {
  try {
    return readdirSync(ledgerDir(env)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
}

describe('the chaos ledger after the tool was SIGKILLed', () => {
  it('in the middle of a stop: recover --dry-run says what is down, recover starts it', async () => {
    // The stop is sent with a 5 s grace to a server that ignores SIGTERM: the kill lands while Docker stops it.
    const { env, target, killed } = await killedDuring('stop', true, 'issued', 300);
    expect(killed.stdout).not.toContain('done');
    const [file] = ledgerFiles(env);
    expect(file).toBeDefined();
    const ledger = JSON.parse(readFileSync(join(ledgerDir(env), file ?? ''), 'utf8'));
    expect(ledger.entries).toMatchObject([
      { driver: 'docker', action: 'stop', undo: 'start', state: 'open', target: { id: target.id } },
    ]);
    // Docker finishes the stop on its own: the container is left down, with nobody to bring it back.
    expect(await statusBecomes(target.id, 'exited', 15_000)).toBe('exited');

    const dry = await runCli(['recover', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would start ${target.name} (docker), left by stop at`);
    expect(await containerStatus(target.id)).toBe('exited');
    expect(ledgerFiles(env)).toHaveLength(1);

    const recovered = await runCli(['recover'], env);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain(`restored ${target.name} (docker), left by stop at`);
    expect(await containerStatus(target.id)).toBe('running');
    expect(ledgerFiles(env)).toEqual([]);
    expect((await runCli(['recover'], env)).stdout).toContain('nothing left down');
  });

  it('while a pause is in effect: the next run restores it before it starts', async () => {
    const { env, target } = await killedDuring('pause', false, 'done', 0);
    expect(await containerStatus(target.id)).toBe('paused');

    const lines: string[] = [];
    const plan = resolvePlan(
      'next-run.json',
      JSON.stringify({ target: { url: 'http://127.0.0.1:9' }, auth: { credentials: { password: 'p' } } }),
      { env: {} },
    );
    await prepareChaosSession(plan, { clock: systemClock, runStartedAt: 0, env, log: (l) => lines.push(l) });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^chaos ledger: an earlier run died; restored ${target.name} \\(docker\\), left by pause at .*: unpause$`,
        ),
      ),
    ]);
    expect(await containerStatus(target.id)).toBe('running');
    expect(ledgerFiles(env)).toEqual([]);
  });
});

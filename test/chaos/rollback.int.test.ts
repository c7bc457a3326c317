import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/docker/client.js';
import { resolveDockerEndpoint } from '../../src/docker/endpoint.js';
import type { DockerClient } from '../../src/docker/types.js';
import { freePort } from '../../src/lab/ports.js';
import { ensureTestImages, removeContainers, runTestContainer, testLabel } from './helpers/containers.js';

const script = fileURLToPath(new URL('./fixtures/interrupted-chaos.ts', import.meta.url));
const run = randomUUID().slice(0, 8);
const created: string[] = [];
let client: DockerClient;

beforeAll(async () => {
  await ensureTestImages();
  client = createDockerClient(resolveDockerEndpoint(process.env));
});

afterAll(async () => {
  await client?.close();
  await removeContainers(created);
});

async function twoContainers(tag: string): Promise<[string, string]> {
  const make = async (suffix: string) => {
    const id = await runTestContainer({
      name: `sc-chaos-${run}-${tag}-${suffix}`,
      port: await freePort(),
      labels: { [testLabel]: run },
    });
    created.push(id);
    return id;
  };
  return [await make('p'), await make('s')];
}

/** Runs the fixture, waits for "ready" (both actions done), signals it and returns its exit code and output. */
function interruptMidRun(ids: [string, string], signal: NodeJS.Signals, whenReady: () => Promise<void>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...ids], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture did not finish: ${stdout} ${stderr}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout === 'ready\n') {
        whenReady().then(
          () => child.kill(signal),
          (error: unknown) => {
            child.kill('SIGKILL');
            reject(error);
          },
        );
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('rollback when a run is interrupted', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`unpauses and starts again what the run paused and stopped, on ${signal}`, async () => {
      const [paused, stopped] = await twoContainers(signal.toLowerCase());
      const result = await interruptMidRun([paused, stopped], signal, async () => {
        // Mid-run: the chaos is in effect.
        expect((await client.inspect(paused)).status).toBe('paused');
        expect((await client.inspect(stopped)).status).toBe('exited');
      });
      expect(result.stderr).toContain(`${signal}: restoring 2 target(s) chaos took down`);
      expect(result.stdout).toBe(`ready\nrolled back on ${signal}: 2\n`);
      expect(result.code).toBe(130);
      expect((await client.inspect(paused)).status).toBe('running');
      expect((await client.inspect(stopped)).status).toBe('running');
    });
  }
});

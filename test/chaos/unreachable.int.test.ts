import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

let requests = 0;
const server = createServer((_req, res) => {
  requests += 1;
  res.end('ok');
});
let dir: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'sc-chaos-unreachable-'));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('session-chaos run with Docker unreachable', () => {
  it('exits 3 naming the engine, before any request reaches the target', async () => {
    const { port } = server.address() as AddressInfo;
    const profile = join(dir, 'chaos.yaml');
    await writeFile(
      profile,
      [
        `target: { url: "http://127.0.0.1:${port}" }`,
        'auth: { credentials: { password: secret } }',
        'traffic: { users: 2, duration: 5s }',
        'chaos: { events: [{ action: restart, at: 1s, target: { label: session-chaos.role=backend } }] }',
      ].join('\n'),
    );
    const socket = join(dir, 'no-docker.sock');
    const { code, stderr } = await runCli(['run', '--profile', profile, '--quiet'], {
      DOCKER_HOST: `unix://${socket}`,
    });
    expect(code).toBe(3);
    expect(stderr).toContain(
      `session-chaos: Docker Engine at unix://${socket} is unreachable: connect ENOENT`,
    );
    expect(requests).toBe(0);
  });
});

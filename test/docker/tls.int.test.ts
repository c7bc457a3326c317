import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/docker/client.js';
import { resolveDockerEndpoint } from '../../src/docker/endpoint.js';
import { DockerUnreachableError } from '../../src/errors.js';
import { testDir } from '../helpers/test-dir.js';

/**
 * Docker over TCP with TLS as `dockerd --tlsverify` serves it: the engine checks the client's certificate, the
 * client checks the engine's, both signed by one CA (openssl makes them here, in a temp dir).
 */
let dir: string;
let server: Server;
let port: number;

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc-docker-tls-'));
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  ]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-extfile',
      ext,
    ]);
  }
  // DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem for the client.
  writeFileSync(join(dir, 'cert.pem'), readFileSync(join(dir, 'client.pem')));
  writeFileSync(join(dir, 'key.pem'), readFileSync(join(dir, 'client-key.pem')));
  server = createServer(
    {
      key: readFileSync(join(dir, 'server-key.pem')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      if (req.url === '/_ping') res.writeHead(200, { 'api-version': '1.47' }).end('OK');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('Docker over TCP with TLS', () => {
  it('presents the client certificate from DOCKER_CERT_PATH and verifies the engine', async () => {
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir };
    const client = createDockerClient(resolveDockerEndpoint(env));
    try {
      expect(client.endpoint).toBe(`https://127.0.0.1:${port}`);
      expect(await client.ping()).toEqual({ apiVersion: '1.47' });
      expect(await client.listContainers({})).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('fails as unreachable when spoken to in plain HTTP, and names a missing certificate file', async () => {
    const plain = createDockerClient({ kind: 'tcp', origin: `http://127.0.0.1:${port}`, label: 'plain' });
    await expect(plain.ping()).rejects.toThrow(DockerUnreachableError);
    await plain.close();
    const empty = testDir('sc-docker-nocerts-');
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty };
    expect(() => createDockerClient(resolveDockerEndpoint(env))).toThrow(
      `Docker Engine at https://127.0.0.1:${port} is unreachable: cannot read ${join(empty, 'ca.pem')} (DOCKER_CERT_PATH)`,
    );
  });
});

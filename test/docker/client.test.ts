import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDockerClient, negotiateApiVersion } from '../../src/docker/client.js';
import type { DockerClient, DockerEvent } from '../../src/docker/types.js';
import {
  DockerApiError,
  DockerTimeoutError,
  DockerUnreachableError,
  ExitCode,
  PreflightError,
} from '../../src/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A scripted Docker Engine on a Unix socket in a temp dir: the error paths a real engine rarely shows. */
let dir: string;
let server: Server;
let routes: Map<string, Handler>;
let seen: string[];
let client: DockerClient;

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc-fake-docker-'));
  routes = new Map([['GET /_ping', reply(200, 'OK', { 'api-version': '1.41' })]]);
  seen = [];
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    const handler = routes.get(`${req.method} ${url.pathname}`);
    if (handler) handler(req, res);
    else reply(404, { message: `page not found: ${url.pathname}` })(req, res);
  });
  const socketPath = join(dir, 'docker.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  client = createDockerClient({ kind: 'unix', socketPath, label: `unix://${socketPath}` });
});

afterEach(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('API version negotiation', () => {
  it('uses the engine version when it is older than ours, and ours when it is newer', () => {
    expect(negotiateApiVersion('1.41', 'x')).toBe('1.41');
    expect(negotiateApiVersion('1.44', 'x')).toBe('1.44');
    expect(negotiateApiVersion('1.99', 'x')).toBe('1.52');
    expect(negotiateApiVersion('2.0', 'x')).toBe('1.52');
  });

  it('refuses engines older than 1.41 and answers without a version', () => {
    expect(() => negotiateApiVersion('1.40', 'x')).toThrow(PreflightError);
    expect(() => negotiateApiVersion(undefined, 'x')).toThrow(DockerUnreachableError);
    expect(() => negotiateApiVersion('latest', 'x')).toThrow(DockerUnreachableError);
  });

  it('pings once and sends every later request under the negotiated version', async () => {
    routes.set('GET /_ping', reply(200, 'OK', { 'api-version': '1.45' }));
    routes.set('GET /v1.45/containers/json', reply(200, []));
    expect(await client.listContainers({})).toEqual([]);
    expect(await client.listContainers({})).toEqual([]);
    expect(seen.filter((line) => line.startsWith('GET /_ping'))).toHaveLength(1);
  });
});

describe('listContainers', () => {
  it('sends Docker filters and maps names without the slash', async () => {
    routes.set(
      'GET /v1.41/containers/json',
      reply(200, [
        { Id: 'abc', Names: ['/backend-1'], Image: 'img', State: 'running', Labels: { role: 'backend' } },
        { Id: 'def', Names: ['/backend-2', '/web/backend-2'], Image: 'img', State: 'exited', Labels: null },
      ]),
    );
    const list = await client.listContainers({ name: 'backend', label: 'role=backend' });
    expect(list).toEqual([
      { id: 'abc', name: 'backend-1', image: 'img', state: 'running', labels: { role: 'backend' } },
      { id: 'def', name: 'backend-2', image: 'img', state: 'exited', labels: {} },
    ]);
    const query = new URLSearchParams(seen.at(-1)?.split('?')[1]);
    expect(query.get('all')).toBe('true');
    expect(JSON.parse(query.get('filters') ?? '')).toEqual({ name: ['backend'], label: ['role=backend'] });
  });

  it('turns a body that is not JSON into a DockerApiError', async () => {
    routes.set('GET /v1.41/containers/json', reply(200, '<html>proxy error</html>'));
    await expect(client.listContainers({})).rejects.toThrow(
      'Docker list containers failed with HTTP 200: unexpected response, not JSON: <html>proxy error</html>',
    );
  });

  it('turns JSON of the wrong shape into a DockerApiError naming the field', async () => {
    routes.set('GET /v1.41/containers/json', reply(200, [{ Id: 'abc', Names: ['/x'], State: 7 }]));
    await expect(client.listContainers({})).rejects.toThrow(/unexpected response: 0\.State: /);
  });
});

describe('inspect', () => {
  it('reads the status and the health when there is a health check', async () => {
    routes.set(
      'GET /v1.41/containers/abc/json',
      reply(200, { Id: 'abc', Name: '/b1', State: { Status: 'running', Health: { Status: 'starting' } } }),
    );
    routes.set(
      'GET /v1.41/containers/def/json',
      reply(200, { Id: 'def', Name: '/b2', State: { Status: 'paused' } }),
    );
    expect(await client.inspect('abc')).toEqual({
      id: 'abc',
      name: 'b1',
      status: 'running',
      health: 'starting',
    });
    expect(await client.inspect('def')).toEqual({ id: 'def', name: 'b2', status: 'paused' });
  });

  it('names the container, the status and Docker message on 404', async () => {
    routes.set('GET /v1.41/containers/gone/json', reply(404, { message: 'No such container: gone' }));
    const error = await client.inspect('gone').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerApiError);
    expect(error).toMatchObject({ status: 404, container: 'gone', exitCode: ExitCode.aborted });
    expect((error as Error).message).toBe(
      'Docker inspect on container gone failed with HTTP 404: No such container: gone',
    );
  });
});

describe('act', () => {
  const post = (path: string, status: number, body: unknown = '') =>
    routes.set(`POST /v1.41/containers/${path}`, reply(status, body));

  it('sends the grace period and the signal as Docker expects them', async () => {
    post('abc/stop', 204);
    post('abc/restart', 204);
    post('abc/kill', 204);
    expect(await client.act('abc', 'stop', { timeoutS: 3 })).toBe('done');
    expect(await client.act('abc', 'restart')).toBe('done');
    expect(await client.act('abc', 'kill', { signal: 'SIGTERM' })).toBe('done');
    expect(seen.slice(-3)).toEqual([
      'POST /v1.41/containers/abc/stop?t=3',
      'POST /v1.41/containers/abc/restart',
      'POST /v1.41/containers/abc/kill?signal=SIGTERM',
    ]);
  });

  it('returns 304 and 409 as idempotent outcomes', async () => {
    post('abc/start', 304);
    post('abc/stop', 304);
    post('abc/pause', 409, { message: 'Container abc is already paused' });
    post('abc/unpause', 409, { message: 'Container abc is not paused' });
    post('abc/kill', 409, { message: 'Cannot kill container: abc: Container abc is not running' });
    post('abc/restart', 409, { message: 'something else entirely' });
    post('def/unpause', 500, { message: 'Container def is not paused' });
    expect(await client.act('abc', 'start')).toBe('already-running');
    expect(await client.act('abc', 'stop')).toBe('already-stopped');
    expect(await client.act('abc', 'pause')).toBe('already-paused');
    expect(await client.act('abc', 'unpause')).toBe('not-paused');
    expect(await client.act('abc', 'kill')).toBe('not-running');
    expect(await client.act('abc', 'restart')).toBe('conflict');
    // Engine 20.10 answers this one with a 500.
    expect(await client.act('def', 'unpause')).toBe('not-paused');
  });

  it('fails with a typed error on 404, 500 and a body that is not Docker JSON', async () => {
    post('abc/restart', 500, { message: 'driver failed programming external connectivity' });
    post('abc/pause', 502, 'Bad Gateway');
    const restart = await client.act('abc', 'restart').catch((e: unknown) => e);
    expect(restart).toBeInstanceOf(DockerApiError);
    expect((restart as Error).message).toBe(
      'Docker restart on container abc failed with HTTP 500: driver failed programming external connectivity',
    );
    await expect(client.act('abc', 'pause')).rejects.toThrow(
      'Docker pause on container abc failed with HTTP 502: Bad Gateway',
    );
    await expect(client.act('nope', 'stop')).rejects.toThrow(/HTTP 404: page not found/);
  });
});

describe('events', () => {
  it('reads events line by line across chunk boundaries, filtered to the containers', async () => {
    const line = (action: string, id: string) =>
      `${JSON.stringify({ Type: 'container', Action: action, Actor: { ID: id, Attributes: { name: `n-${id}` } }, time: 1, timeNano: 1_700_000_000_123_000_000 })}\n`;
    routes.set('GET /v1.41/events', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = line('pause', 'a') + line('unpause', 'a') + line('die', 'b');
      res.write(text.slice(0, 30));
      setTimeout(() => res.write(text.slice(30, 150)), 5);
      setTimeout(() => res.write(text.slice(150)), 10);
    });
    const controller = new AbortController();
    const got: DockerEvent[] = [];
    for await (const event of client.events({
      containers: ['a', 'b'],
      sinceMs: 1_700_000_000_000,
      signal: controller.signal,
    })) {
      got.push(event);
      if (got.length === 3) controller.abort();
    }
    expect(got.map((e) => [e.action, e.id, e.name])).toEqual([
      ['pause', 'a', 'n-a'],
      ['unpause', 'a', 'n-a'],
      ['die', 'b', 'n-b'],
    ]);
    expect(got[0]?.timeMs).toBeCloseTo(1_700_000_000_123, 0);
    const query = new URLSearchParams(seen.at(-1)?.split('?')[1]);
    expect(JSON.parse(query.get('filters') ?? '')).toEqual({ type: ['container'], container: ['a', 'b'] });
    expect(query.get('since')).toBe('1700000000.000');
  });

  it('fails on a line that is not an event', async () => {
    routes.set('GET /v1.41/events', (_req, res) => {
      res.writeHead(200);
      res.write('{"garbage": true}\n');
    });
    const events = client.events({ containers: ['a'], signal: new AbortController().signal });
    await expect(events[Symbol.asyncIterator]().next()).rejects.toThrow(
      /Docker events failed with HTTP 200: unexpected response/,
    );
  });
});

describe('an engine that is not there', () => {
  it('fails with DockerUnreachableError (exit 3) naming the socket', async () => {
    const missing = join(dir, 'missing.sock');
    const absent = createDockerClient({ kind: 'unix', socketPath: missing, label: `unix://${missing}` });
    const error = await absent.ping().catch((e: unknown) => e);
    await absent.close();
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as DockerUnreachableError).exitCode).toBe(ExitCode.preflightFailed);
    expect((error as Error).message).toMatch(
      new RegExp(`^Docker Engine at unix://${missing} is unreachable: .*ENOENT`),
    );
  });

  it('fails when /_ping answers an error', async () => {
    routes.set('GET /_ping', reply(500, { message: 'daemon is shutting down' }));
    await expect(client.ping()).rejects.toThrow(
      /unreachable: \/_ping answered HTTP 500: daemon is shutting down/,
    );
  });
});

describe('an engine that takes a request and never answers', () => {
  function hung(): DockerClient {
    const socketPath = join(dir, 'docker.sock');
    return createDockerClient(
      { kind: 'unix', socketPath, label: `unix://${socketPath}` },
      { requestTimeoutMs: 200 },
    );
  }

  it('is reported as such after the request deadline, naming the request (exit 4)', async () => {
    // Accepted, never answered, as a wedged dockerd does.
    routes.set('POST /v1.41/containers/abc/pause', () => undefined);
    const client = hung();
    const started = Date.now();
    const error = await client.act('abc', 'pause').catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(DockerTimeoutError);
    expect((error as DockerTimeoutError).exitCode).toBe(ExitCode.aborted);
    expect((error as Error).message).toBe('Docker did not answer POST /containers/abc/pause within 0.2 s');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives a stop its grace period on top of the deadline', async () => {
    routes.set('POST /v1.41/containers/abc/stop', () => undefined);
    const client = hung();
    const error = await client.act('abc', 'stop', { timeoutS: 1 }).catch((e: unknown) => e);
    await client.close();
    expect((error as Error).message).toBe('Docker did not answer POST /containers/abc/stop within 1.2 s');
  });

  it('counts a body that stops half-way against the same deadline', async () => {
    routes.set('GET /v1.41/containers/abc/json', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"Id":');
    });
    const client = hung();
    await expect(client.inspect('abc')).rejects.toThrow(
      'Docker did not answer GET /containers/abc/json within 0.2 s',
    );
    await client.close();
  });

  it('says a ping that never answers is an unreachable engine (exit 3)', async () => {
    routes.set('GET /_ping', () => undefined);
    const client = hung();
    const error = await client.ping().catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as Error).message).toBe(
      `Docker Engine at unix://${join(dir, 'docker.sock')} is unreachable: it did not answer GET /_ping within 0.2 s`,
    );
  });
});

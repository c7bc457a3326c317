import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Agent } from '../../src/http/agent.js';
import { deadlines } from '../../src/http/deadlines.js';
import { exchange } from '../../src/http/exchange.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

let server: ScriptedServer;
const agent = new Http1Agent({ maxConnections: 4, connectTimeoutMs: 2000 }, deadlines);

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  agent.close();
  await server.close();
});

function get(
  path: string,
  limits: { timeoutMs?: number; maxBodyBytes?: number; keepBody?: boolean; signal?: AbortSignal } = {},
) {
  const { origin } = new URL(server.url);
  return exchange(
    agent,
    { origin, path, method: 'GET', headers: {}, closeAfter: false },
    {
      timeoutMs: limits.timeoutMs ?? 2000,
      maxBodyBytes: limits.maxBodyBytes ?? 1024,
      keepBody: limits.keepBody ?? true,
      signal: limits.signal,
    },
  );
}

describe('exchange', () => {
  it('returns status, headers and body', async () => {
    const result = await get('/');
    expect(result).toMatchObject({
      status: 200,
      body: '{"hello":true}',
      bodyBytes: 14,
      bodyTruncated: false,
    });
    expect(result.headers['x-backend-id']).toBe('b1');
    expect(result.errorCode).toBeUndefined();
  });

  it('keeps at most maxBodyBytes of a huge body and counts the rest', async () => {
    const result = await get('/huge', { maxBodyBytes: 100 });
    expect(result.status).toBe(200);
    expect(result.body).toHaveLength(100);
    expect(result.bodyBytes).toBe(1_000_000);
    expect(result.bodyTruncated).toBe(true);
  });

  it('counts without keeping when the body is not needed', async () => {
    const result = await get('/huge', { maxBodyBytes: 100, keepBody: false });
    expect(result.body).toBeUndefined();
    expect(result).toMatchObject({ bodyBytes: 1_000_000, bodyTruncated: true });
  });

  it('maps a stalled server to a timeout record', async () => {
    const result = await get('/stall', { timeoutMs: 200 });
    expect(result).toMatchObject({ errorCode: 'ETIMEDOUT', bodyBytes: 0 });
    expect(result.status).toBeUndefined();
  });

  it('ends at once when its signal is aborted, on the wire or before it is sent', async () => {
    const controller = new AbortController();
    const pending = get('/stall', { timeoutMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ errorCode: 'UND_ERR_ABORTED', bodyBytes: 0 });
    expect(await get('/', { signal: controller.signal })).toMatchObject({ errorCode: 'UND_ERR_ABORTED' });
    // The agent goes on: the aborted exchange took its connection with it, not the pool.
    expect(await get('/')).toMatchObject({ status: 200 });
  });

  it('maps a reset to undici socket error', async () => {
    const result = await get('/reset');
    expect(result.status).toBeUndefined();
    expect(result.errorCode).toBe('UND_ERR_SOCKET');
  });

  it('maps garbage to a parser error', async () => {
    const result = await get('/garbage');
    expect(result.status).toBeUndefined();
    expect(result.errorCode).toMatch(/^HPE_/);
  });

  it('maps a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await exchange(
      agent,
      { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET', headers: {}, closeAfter: false },
      { timeoutMs: 1000, maxBodyBytes: 10, keepBody: false },
    );
    expect(result.errorCode).toBe('ECONNREFUSED');
  });

  it('a body that drips past the timeout ends as a timeout with the status kept', async () => {
    const drip = await import('node:http').then(({ createServer: create }) =>
      create((_request, response) => {
        response.writeHead(200);
        const timer = setInterval(() => response.write('x'), 20);
        response.on('close', () => clearInterval(timer));
      }),
    );
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    const port = (drip.address() as { port: number }).port;
    const result = await exchange(
      agent,
      { origin: `http://127.0.0.1:${port}`, path: '/', method: 'GET', headers: {}, closeAfter: false },
      { timeoutMs: 300, maxBodyBytes: 10, keepBody: true },
    );
    drip.closeAllConnections();
    await new Promise<void>((resolve) => drip.close(() => resolve()));
    expect(result).toMatchObject({ status: 200, errorCode: 'ETIMEDOUT' });
    expect(result.bodyBytes).toBeGreaterThan(0);
  });
});

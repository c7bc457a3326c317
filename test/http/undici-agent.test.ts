import { afterEach, describe, expect, it } from 'vitest';
import { Deadlines } from '../../src/http/deadlines.js';
import { exchange } from '../../src/http/exchange.js';
import { UndiciAgent } from '../../src/http/undici-agent.js';
import { type RawServer, type Script, startRawServer } from './differential/raw-server.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function serve(script: Script): Promise<RawServer> {
  const server = await startRawServer(script);
  cleanup.push(() => server.close());
  return server;
}

function agent(): { agent: UndiciAgent; deadlines: Deadlines } {
  const made = {
    agent: new UndiciAgent({ maxConnections: 2, connectTimeoutMs: 1000 }),
    deadlines: new Deadlines(),
  };
  cleanup.push(() => made.agent.close());
  return made;
}

const send = (
  { agent: client, deadlines }: ReturnType<typeof agent>,
  origin: string,
  options: {
    method?: 'GET' | 'HEAD' | 'POST';
    timeoutMs?: number;
    keepHeaders?: string[];
    header?: string;
  } = {},
) =>
  exchange(
    client,
    {
      origin,
      method: options.method ?? 'GET',
      path: '/',
      headers: options.header === undefined ? {} : { 'x-bad': options.header },
      closeAfter: false,
      keepHeaders: options.keepHeaders,
    },
    { timeoutMs: options.timeoutMs ?? 1000, maxBodyBytes: 1024, keepBody: true },
    deadlines,
  );

const ok =
  'HTTP/1.1 200 OK\r\nx-backend-id: b1\r\nx-other: o\r\nset-cookie: a=1\r\ncontent-length: 5\r\n\r\nhello';

describe('UndiciAgent (target.client: undici)', () => {
  it('tells the sink what the engine client tells it: status, the kept headers, the body; connections reused', async () => {
    const server = await serve(() => [{ write: ok }]);
    const client = agent();
    for (let i = 0; i < 3; i++) {
      const answer = await send(client, server.origin, { keepHeaders: ['x-backend-id', 'set-cookie'] });
      expect(answer).toMatchObject({
        status: 200,
        body: 'hello',
        bodyBytes: 5,
        headers: { 'x-backend-id': 'b1', 'set-cookie': 'a=1' },
      });
      expect(answer.headers['x-other']).toBeUndefined();
    }
    // undici's pool may spread requests one after another over its connections (2 here), never more.
    expect(server.connections).toBeLessThanOrEqual(2);
  });

  it('reports failures with the same codes: a parse error, a reset mid-body with its status, a timeout', async () => {
    const garbage = await serve(() => [{ write: 'SSH-2.0-OpenSSH\r\n' }]);
    expect((await send(agent(), garbage.origin)).errorCode).toMatch(/^HPE_/);
    const cut = await serve(() => [
      { write: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc' },
      { waitMs: 5 },
      'reset',
    ]);
    expect(await send(agent(), cut.origin)).toMatchObject({ status: 200, errorCode: 'ECONNRESET' });
    const stall = await serve(() => []);
    expect(await send(agent(), stall.origin, { timeoutMs: 100 })).toMatchObject({ errorCode: 'ETIMEDOUT' });
  });

  it('fails what is sent after close, and a header value it will not write, as the engine client does', async () => {
    const server = await serve(() => [{ write: ok }]);
    const client = agent();
    expect((await send(client, server.origin, { header: 'a\r\nb' })).errorCode).toBe('UND_ERR_INVALID_ARG');
    client.agent.close();
    expect((await send(client, server.origin)).errorCode).toBe('UND_ERR_CLOSED');
  });
});

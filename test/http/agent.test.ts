import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Agent } from '../../src/http/agent.js';
import { Deadlines } from '../../src/http/deadlines.js';
import { type Exchange, exchange } from '../../src/http/exchange.js';
import { type Clock, manualClock } from '../../src/util/clock.js';

/** A server that answers each request head with whatever bytes `answer` gives (undefined: no answer). */
interface RawServer {
  origin: string;
  connections: number;
  heads: string[];
  close(): Promise<void>;
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function rawServer(answer: (head: string, socket: Socket) => string | undefined): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, heads: [] as string[] };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        state.heads.push(head);
        const reply = answer(head, socket);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const raw: RawServer = {
    origin: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    heads: state.heads,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  cleanup.push(() => raw.close());
  return raw;
}

function ok(body: string, extra = ''): string {
  return `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

/** An agent on its own deadlines: the real clock unless a test drives time by hand. */
function agentOf(
  maxConnections: number,
  options: { clock?: Clock; connectTimeoutMs?: number } = {},
): { agent: Http1Agent; deadlines: Deadlines } {
  const deadlines = new Deadlines(options.clock, 5);
  const agent = new Http1Agent(
    { maxConnections, connectTimeoutMs: options.connectTimeoutMs ?? 1000 },
    deadlines,
  );
  cleanup.push(() => agent.close());
  return { agent, deadlines };
}

function send(
  agent: Http1Agent,
  deadlines: Deadlines,
  origin: string,
  options: { method?: 'GET' | 'HEAD'; path?: string; closeAfter?: boolean; timeoutMs?: number } = {},
): Promise<Exchange> {
  return exchange(
    agent,
    {
      origin,
      method: options.method ?? 'GET',
      path: options.path ?? '/',
      headers: {},
      closeAfter: options.closeAfter ?? false,
    },
    { timeoutMs: options.timeoutMs ?? 1000, maxBodyBytes: 1024, keepBody: true },
    deadlines,
  );
}

describe('Http1Agent', () => {
  it('reuses one kept-alive connection for requests one after another', async () => {
    const server = await rawServer(() => ok('hi'));
    const { agent, deadlines } = agentOf(4);
    for (let i = 0; i < 5; i++) expect((await send(agent, deadlines, server.origin)).body).toBe('hi');
    expect(server.connections).toBe(1);
  });

  it('opens at most maxConnections and serves the requests beyond them in order', async () => {
    const server = await rawServer((head) => ok(head.split(' ')[1] ?? ''));
    const { agent, deadlines } = agentOf(2);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send(agent, deadlines, server.origin, { path: `/${i}` })),
    );
    expect(answers.map((answer) => answer.body)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
    expect(server.connections).toBe(2);
  });

  it('closes after an exchange when told to, and when the server says connection: close', async () => {
    const server = await rawServer((head) =>
      head.startsWith('GET /bye') ? ok('x', 'connection: close\r\n') : ok('x'),
    );
    const { agent, deadlines } = agentOf(1);
    await send(agent, deadlines, server.origin, { closeAfter: true });
    await send(agent, deadlines, server.origin, { path: '/bye' });
    await send(agent, deadlines, server.origin);
    expect(server.connections).toBe(3);
    expect(server.heads[0]).toContain('connection: close');
  });

  it('reads chunked bodies, bodies that end with the connection, and answers without a body', async () => {
    const server = await rawServer((head, socket) => {
      if (head.startsWith('GET /chunked'))
        return 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n';
      if (head.startsWith('GET /until-close')) {
        socket.end('HTTP/1.1 200 OK\r\n\r\nto the end');
        return undefined;
      }
      if (head.startsWith('HEAD')) return 'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n';
      if (head.startsWith('GET /continue'))
        return 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok';
      return 'HTTP/1.1 204 No Content\r\nx-backend-id: b2\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\n';
    });
    const { agent, deadlines } = agentOf(1);
    expect(await send(agent, deadlines, server.origin, { path: '/chunked' })).toMatchObject({
      status: 200,
      body: 'abcde',
    });
    expect(await send(agent, deadlines, server.origin, { path: '/until-close' })).toMatchObject({
      body: 'to the end',
    });
    expect(await send(agent, deadlines, server.origin, { method: 'HEAD' })).toMatchObject({
      status: 200,
      bodyBytes: 0,
    });
    expect(await send(agent, deadlines, server.origin, { path: '/continue' })).toMatchObject({
      status: 201,
      body: 'ok',
    });
    const empty = await send(agent, deadlines, server.origin, { path: '/empty' });
    expect(empty).toMatchObject({ status: 204, bodyBytes: 0 });
    expect(empty.errorCode).toBeUndefined();
    expect(empty.headers).toMatchObject({ 'x-backend-id': 'b2', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('keeps what it reads intact across reads and connections (the read buffer is shared)', async () => {
    const bodyOf = (path: string): string =>
      Array.from({ length: 150_000 }, (_, i) => String.fromCharCode(97 + ((i + path.length) % 26))).join('');
    const server = await rawServer((head, socket) => {
      const path = head.split(' ')[1] ?? '';
      const body = bodyOf(path);
      const answer = `HTTP/1.1 200 OK\r\nx-path: ${path}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
      // The head arrives in two pieces, a moment apart, while other connections are read.
      socket.write(answer.slice(0, 20));
      setTimeout(() => socket.write(answer.slice(20)), 5);
      return undefined;
    });
    const { agent, deadlines } = agentOf(4);
    const paths = ['/alpha', '/beta', '/gamma', '/delta', '/epsilon', '/zeta'];
    const answers = await Promise.all(
      paths.map((path) =>
        exchange(
          agent,
          { origin: server.origin, method: 'GET', path, headers: {}, closeAfter: false },
          { timeoutMs: 2000, maxBodyBytes: 1_000_000, keepBody: true },
          deadlines,
        ),
      ),
    );
    for (const [i, answer] of answers.entries()) {
      const path = paths[i] as string;
      expect(answer.headers['x-path']).toBe(path);
      expect(answer.body === bodyOf(path)).toBe(true);
    }
  });

  it("does not reuse a connection that idled past the server's keep-alive timeout (less a margin)", async () => {
    const server = await rawServer((head) =>
      head.startsWith('GET /hinted') ? ok('x', 'keep-alive: timeout=3\r\n') : ok('x'),
    );
    const clock = manualClock(1000);
    const { agent, deadlines } = agentOf(1, { clock });
    /** Idles `idleMs`, sends GET `path`, and tells how many connections the server has accepted by then. */
    const connectionsAfter = async (idleMs: number, path: string) => {
      clock.advance(idleMs);
      await send(agent, deadlines, server.origin, { path });
      return server.connections;
    };
    expect(await connectionsAfter(0, '/hinted')).toBe(1);
    expect(await connectionsAfter(900, '/hinted')).toBe(1);
    // 3 s said the server, less a 2 s margin: after 1 s idle the connection is not used again.
    expect(await connectionsAfter(1000, '/plain')).toBe(2);
    // No hint: 4 s.
    expect(await connectionsAfter(3900, '/plain')).toBe(2);
    expect(await connectionsAfter(4000, '/plain')).toBe(3);
  });

  it('gives up on a connection that is not established within the connect timeout', async () => {
    const server = await rawServer(() => ok('x'));
    const clock = manualClock();
    const { agent, deadlines } = agentOf(1, { clock, connectTimeoutMs: 50 });
    const answer = send(agent, deadlines, server.origin, { timeoutMs: 1000 });
    // Loopback connects in well under a tick; the clock is moved past the connect timeout before that.
    clock.advance(60);
    deadlines.tick();
    expect(await answer).toMatchObject({ errorCode: 'UND_ERR_CONNECT_TIMEOUT' });
  });

  it('gets a new connection when the server closed an idle one', async () => {
    const server = await rawServer((_head, socket) => {
      socket.end(ok('once'));
      return undefined;
    });
    const { agent, deadlines } = agentOf(1);
    await send(agent, deadlines, server.origin);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await send(agent, deadlines, server.origin)).toMatchObject({ status: 200, body: 'once' });
    expect(server.connections).toBe(2);
  });

  it('does not race a server that closes after each answer without saying so', async () => {
    // A keep-alive answer and the FIN right behind it: the next request must not be lost to the close.
    const server = await rawServer((_head, socket) => {
      socket.end(ok('bye'));
      return undefined;
    });
    const { agent, deadlines } = agentOf(1);
    const answers: Exchange[] = [];
    for (let i = 0; i < 20; i++) answers.push(await send(agent, deadlines, server.origin));
    expect(answers.filter((answer) => answer.errorCode !== undefined)).toEqual([]);
    expect(answers.every((answer) => answer.body === 'bye')).toBe(true);
    expect(server.connections).toBe(20);
  });

  it('sends a lost request once more, not twice: a new connection that fails is the answer', async () => {
    let answered = 0;
    const server = await rawServer((_head, socket) => {
      answered += 1;
      if (answered === 1) return ok('first');
      socket.destroy();
      return undefined;
    });
    const { agent, deadlines } = agentOf(1);
    expect(await send(agent, deadlines, server.origin)).toMatchObject({ body: 'first' });
    // The reused connection dies under the request: it goes to a new connection, which dies too.
    const second = await send(agent, deadlines, server.origin);
    expect(second.errorCode).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(server.connections).toBe(2);
  });

  it('times out a request that waited for a connection too long, and serves the next once one is free', async () => {
    let stalled = true;
    const server = await rawServer(() => (stalled ? undefined : ok('late')));
    const { agent, deadlines } = agentOf(1);
    const first = send(agent, deadlines, server.origin, { timeoutMs: 300 });
    const queued = send(agent, deadlines, server.origin, { timeoutMs: 100 });
    expect(await queued).toMatchObject({ errorCode: 'ETIMEDOUT' });
    expect(await first).toMatchObject({ errorCode: 'ETIMEDOUT' });
    stalled = false;
    expect(await send(agent, deadlines, server.origin)).toMatchObject({ status: 200, body: 'late' });
  });

  it('fails what is in flight or waiting when closed, and what comes after', async () => {
    const server = await rawServer(() => undefined);
    const { agent, deadlines } = agentOf(1);
    const inFlight = send(agent, deadlines, server.origin);
    const waiting = send(agent, deadlines, server.origin);
    agent.close();
    expect(await inFlight).toMatchObject({ errorCode: 'UND_ERR_CLOSED' });
    expect(await waiting).toMatchObject({ errorCode: 'UND_ERR_CLOSED' });
    expect(await send(agent, deadlines, server.origin)).toMatchObject({ errorCode: 'UND_ERR_CLOSED' });
  });

  it('turns a header value with a line break into an error record, not a request', async () => {
    const server = await rawServer(() => ok('x'));
    const { agent, deadlines } = agentOf(1);
    const answer = await exchange(
      agent,
      {
        origin: server.origin,
        method: 'GET',
        path: '/',
        headers: { cookie: 'a\r\nb: c' },
        closeAfter: false,
      },
      { timeoutMs: 1000, maxBodyBytes: 10, keepBody: false },
      deadlines,
    );
    expect(answer.errorCode).toBe('UND_ERR_INVALID_ARG');
    expect(server.heads).toEqual([]);
  });

  it('speaks TLS to an https origin and checks its certificate', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    const server = createHttpsServer(
      { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') },
      (_, response) => response.end('secret'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as { port: number };
    const { agent, deadlines } = agentOf(1);
    const answer = await send(agent, deadlines, `https://127.0.0.1:${port}`);
    // The handshake happened (a plain-text client would get no such code) and the self-signed certificate was refused.
    expect(answer.errorCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('trusts a private CA named by NODE_EXTRA_CA_CERTS, for an IP address and for a host name', async () => {
    const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
    const server = createHttpsServer(
      { key: readFileSync(fixture('self-signed.key')), cert: readFileSync(fixture('self-signed.crt')) },
      (_, response) => response.end('secret'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as { port: number };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(fixture('tls-client.ts')),
        `https://127.0.0.1:${port}`,
        `https://localhost:${port}`,
      ],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: fileURLToPath(fixture('self-signed.crt')) } },
    );
    expect(JSON.parse(stdout)).toEqual([
      { status: 200, body: 'secret' },
      { status: 200, body: 'secret' },
    ]);
  });
});

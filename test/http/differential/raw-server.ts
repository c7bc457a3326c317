import { createServer, type Server, type Socket } from 'node:net';

/**
 * What the server does for one request: bytes to write, a pause, a turn of the event loop, a FIN, a reset.
 * A `turn` waits for no clock: the client's read of what was written runs before the next step (server and
 * clients share this process's loop, and loopback delivers a write before the write returns).
 */
export type Step = { write: string | Buffer } | { waitMs: number } | 'turn' | 'end' | 'reset';

/** The answer to the n-th request on a connection (counted from 0, over the whole server's life). */
export type Script = (request: number) => readonly Step[];

export interface RawServer {
  origin: string;
  port: number;
  /** How many connections were made, and how many request heads were read. */
  readonly connections: number;
  readonly requests: number;
  close(): Promise<void>;
}

const bytesOf = (data: string | Buffer): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'latin1') : data;

async function play(socket: Socket, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    if (socket.destroyed) return;
    if (step === 'end') socket.end();
    else if (step === 'reset') socket.resetAndDestroy();
    else if (step === 'turn') await new Promise((resolve) => setImmediate(resolve));
    else if ('waitMs' in step) await new Promise((resolve) => setTimeout(resolve, step.waitMs));
    else socket.write(bytesOf(step.write));
  }
}

/**
 * A server that reads request heads (bodies are not sent by the differential readers) and answers each with
 * its script, byte for byte, so both clients see the very same bytes in the very same pieces.
 */
export async function startRawServer(
  script: Script,
  listen: (handler: (socket: Socket) => void) => Server = createServer,
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, requests: 0 };
  const server = listen((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        const steps = script(state.requests);
        state.requests += 1;
        queue = queue.then(() => play(socket, steps));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

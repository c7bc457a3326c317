import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelayRelay } from '../../src/lab-relay/relay.js';

const ack = '*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n';

const closing: Array<Server | Socket> = [];
afterEach(() => {
  for (const item of closing.splice(0)) {
    if ('destroy' in item) item.destroy();
    else item.close();
  }
});

async function listening(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closing.push(server);
  return (server.address() as AddressInfo).port;
}

/** A stand-in primary, the relay in front of it, and a replica connected through the relay. */
async function link(delayMs: number) {
  let primarySide: Socket | undefined;
  const primary = createServer((socket) => {
    primarySide = socket;
    closing.push(socket);
  });
  const upstreamPort = await listening(primary);
  let holding = 0;
  const relay = createDelayRelay({ port: 0, upstreamPort, delayMs }, () => holding++);
  const port = await listening(relay);
  const replica = connect({ host: '127.0.0.1', port });
  closing.push(replica);
  await once(replica, 'connect');
  const received: { at: number; text: string }[] = [];
  replica.on('data', (chunk) => received.push({ at: Date.now(), text: chunk.toString() }));
  const primarySocket = async (): Promise<Socket> => {
    while (primarySide === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    return primarySide;
  };
  return { replica, received, primarySocket, holding: () => holding };
}

const until = async (check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the replication link', () => {
  it('passes the handshake at once, then holds what the primary sends once the replica acknowledges', async () => {
    const { replica, received, primarySocket, holding } = await link(300);
    const primary = await primarySocket();
    primary.write('+FULLRESYNC\r\n');
    await until(() => received.length === 1);
    replica.write(ack);
    await until(() => holding() === 1);
    const sent = Date.now();
    primary.write('*1\r\n$4\r\nPING\r\n');
    await until(() => received.length === 2);
    expect((received[1]?.at ?? 0) - sent).toBeGreaterThanOrEqual(295);
  });

  it('drops what it still holds when the primary goes, and closes the replica', async () => {
    const { replica, received, primarySocket, holding } = await link(300);
    const primary = await primarySocket();
    replica.write(ack);
    await until(() => holding() === 1);
    primary.write('lost write');
    await new Promise((resolve) => setTimeout(resolve, 50));
    primary.destroy();
    await once(replica, 'close');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toEqual([]);
  });
});

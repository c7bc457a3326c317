import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readBody, readCookie } from '../../src/util/incoming.js';

describe('readCookie', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; sid=xyz; SERVERID=b2', 'sid')).toBe('xyz');
    expect(readCookie('sidx=1', 'sid')).toBeUndefined();
    expect(readCookie(undefined, 'sid')).toBeUndefined();
  });

  it('keeps an = inside the value, and takes an empty value as absent', () => {
    expect(readCookie('t=a=b', 't')).toBe('a=b');
    expect(readCookie('sid=; x=1', 'sid')).toBeUndefined();
  });
});

describe('readBody', () => {
  async function post(body: string, maxBytes: number): Promise<string> {
    const server = createServer((req, res) => {
      readBody(req, maxBytes, () => new Error('too large'))
        .then((read) => res.end(`read ${read.toString('utf8')}`))
        .catch((error: Error) => res.end(error.message));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body });
      return await answer.text();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('reads the whole body up to the limit and refuses one past it', async () => {
    expect(await post('hello', 5)).toBe('read hello');
    expect(await post('hello!', 5)).toBe('too large');
  });
});

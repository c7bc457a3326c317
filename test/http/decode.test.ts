import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentCodings, decodeBody } from '../../src/http/decode.js';
import { exchange } from '../../src/http/exchange.js';
import { agentServer } from '../helpers/agent-server.js';

const json = Buffer.from('{"user":"user2","note":"naïve"}');
const bodies: Record<string, { encoding: string; bytes: Buffer }> = {
  '/gzip': { encoding: 'gzip', bytes: gzipSync(json) },
  '/x-gzip': { encoding: 'x-gzip', bytes: gzipSync(json) },
  '/deflate': { encoding: 'deflate', bytes: deflateSync(json) },
  '/raw-deflate': { encoding: 'Deflate', bytes: deflateRawSync(json) },
  '/br': { encoding: 'br', bytes: brotliCompressSync(json) },
  '/twice': { encoding: 'gzip, br', bytes: brotliCompressSync(gzipSync(json)) },
  '/identity': { encoding: 'identity', bytes: json },
  '/zstd': { encoding: 'zstd', bytes: Buffer.from('opaque') },
  '/bomb': { encoding: 'gzip', bytes: gzipSync(Buffer.alloc(50_000_000, 'a')) },
  '/corrupt': {
    encoding: 'gzip',
    bytes: Buffer.concat([gzipSync(json).subarray(0, 20), Buffer.from('garbage')]),
  },
};

const server = agentServer({ maxConnections: 2 }, (request, response) => {
  const body = bodies[request.url ?? ''];
  if (body === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-encoding': body.encoding, 'content-length': body.bytes.length });
  response.end(body.bytes);
});

const get = (
  path: string,
  maxBodyBytes = 1024,
  keepHeaders: readonly string[] | undefined = ['set-cookie'],
) =>
  exchange(
    server.agent,
    { origin: server.origin, path, method: 'GET', headers: {}, closeAfter: false, keepHeaders },
    { timeoutMs: 5000, maxBodyBytes, keepBody: true },
    server.deadlines,
  );

describe('Content-Encoding', () => {
  it('decodes gzip, deflate (zlib or raw), br and stacked codings before anyone reads the body', async () => {
    for (const path of ['/gzip', '/x-gzip', '/deflate', '/raw-deflate', '/br', '/twice', '/identity']) {
      const answer = await get(path);
      expect(answer.body, path).toBe(json.toString('utf8'));
      expect(answer.bodyTruncated, path).toBe(false);
      // bodyBytes stays what came over the wire.
      expect(answer.bodyBytes, path).toBe(bodies[path]?.bytes.length);
    }
  });

  it('leaves a coding it cannot undo as it came, and decodes a corrupt body as far as it goes', async () => {
    expect((await get('/zstd')).body).toBe('opaque');
    expect((await get('/corrupt')).body).toBe('');
  });

  it('stops at maxBodyBytes of decoded bytes, however far the body would inflate', async () => {
    // 50 MB of text in about 50 KB of gzip: all of it kept, a fraction of it inflated.
    expect(bodies['/bomb']?.bytes.length).toBeLessThan(100_000);
    const answer = await get('/bomb', 100_000);
    expect(answer.body).toBe('a'.repeat(100_000));
    expect(answer.bodyTruncated).toBe(true);
  });

  it('decodes what was kept of a body cut at the cap', async () => {
    const big = gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => String(i)).join(',')));
    const decoded = await decodeBody(big.subarray(0, 200), false, ['gzip'], 100_000);
    expect(decoded.truncated).toBe(true);
    expect(decoded.bytes.toString().startsWith('0,1,2,3')).toBe(true);
  });

  it('reads the codings of a Content-Encoding value', () => {
    expect(contentCodings(undefined)).toBeUndefined();
    expect(contentCodings('identity')).toBeUndefined();
    expect(contentCodings('GZIP')).toEqual(['gzip']);
    expect(contentCodings(['gzip', 'br'])).toEqual(['gzip', 'br']);
    expect(contentCodings('gzip, zstd')).toBeUndefined();
  });
});

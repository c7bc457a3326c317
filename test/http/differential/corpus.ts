import { gzipSync } from 'node:zlib';
import type { HttpMethod } from '../../../src/http/types.js';
import type { Script, Step } from './raw-server.js';

/**
 * One scripted answer (or several, one per request on a connection) that both clients read. `differs` names
 * a documented difference: what each side answers, and why the engine's answer is kept.
 */
export interface Case {
  name: string;
  script: Script;
  method?: HttpMethod;
  /** Sequential requests on one client (default 1). */
  requests?: number;
  pauseMs?: number;
  /**
   * A documented difference: the engine's answer (`summary` of its outcomes) and why it is kept. The
   * reference's answer is shown, not asserted (some depend on timing: that is the point of the case).
   */
  differs?: { engine: string; why: string };
  /** Served over TLS. */
  tls?: boolean;
}

const every =
  (...steps: Step[]): Script =>
  () =>
    steps;

const write = (data: string | Buffer): Step => ({ write: data });
const wait = (waitMs: number): Step => ({ waitMs });

/** A case whose server answers each request with one write of `answer`. */
const reply = (name: string, answer: string | Buffer, options: Omit<Case, 'name' | 'script'> = {}): Case => ({
  name,
  script: every(write(answer)),
  ...options,
});

const ok = (body = 'hello', extra = ''): string =>
  `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-backend-id: b1\r\n${extra}\r\n${body}`;

/**
 * Each byte its own write, a turn of the event loop apart, so that each is its own read. No timer: on a
 * loaded machine a millisecond's wait per byte took longer than the exchange's timeout.
 */
const byteByByte = (text: string): Step[] => [...text].flatMap((byte) => [write(byte), 'turn' as const]);

const gzipped = gzipSync('{"user":"user2"}');

const resendWhy =
  'a GET lost with a reused connection before any byte of its answer is sent again on a new one (as Go net/http does); node:http and undici report the reset, as often as the FIN beats the next request';

export const corpus: readonly Case[] = [
  // Ordinary answers.
  reply('sized body', ok()),
  reply('sized body, two requests reuse one connection', ok(), { requests: 3 }),
  reply(
    'chunked with extensions and trailers',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-backend-id: b2\r\n\r\n' +
      '3;ext=1;q="a b"\r\nabc\r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n',
    { requests: 2 },
  ),
  {
    name: 'chunked, read byte by byte',
    script: every(
      ...byteByByte(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nset-cookie: a=1\r\n\r\n2\r\nab\r\n0\r\n\r\n',
      ),
    ),
    requests: 2,
  },
  { name: 'sized, read byte by byte', script: every(...byteByByte(ok('abc'))), requests: 2 },
  reply('HEAD with a content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n', {
    method: 'HEAD',
    requests: 2,
  }),
  {
    name: '100 Continue, then the answer',
    script: every(write('HTTP/1.1 100 Continue\r\n\r\n'), wait(5), write(ok('after'))),
    requests: 2,
  },
  reply(
    '103 Early Hints with headers, then the answer',
    `HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('x')}`,
    { requests: 2 },
  ),
  reply('204 without a length', 'HTTP/1.1 204 No Content\r\nx-backend-id: b1\r\n\r\n', { requests: 2 }),
  reply('304 with a content-length and no body', 'HTTP/1.1 304 Not Modified\r\ncontent-length: 40\r\n\r\n', {
    requests: 2,
  }),
  {
    name: 'body read to the close',
    script: every(write('HTTP/1.1 200 OK\r\n\r\nto the end'), 'end'),
    requests: 2,
  },
  reply('HTTP/1.0 without keep-alive: closed after', 'HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok', {
    requests: 2,
  }),
  reply(
    'HTTP/1.0 with Connection: keep-alive: reused',
    'HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok',
    { requests: 2 },
  ),
  {
    name: 'Connection: close, then FIN',
    script: every(write(ok('x', 'connection: close\r\n')), 'end'),
    requests: 2,
  },
  reply('Keep-Alive: timeout=5 hint', ok('x', 'keep-alive: timeout=5, max=100\r\n'), { requests: 2 }),
  reply(
    'repeated Set-Cookie and mixed-case names',
    ok('x', 'Set-Cookie: a=1; Path=/\r\nSET-COOKIE: b=2\r\nX-User: user1\r\n'),
  ),
  reply('empty reason phrase', 'HTTP/1.1 401 \r\ncontent-length: 0\r\n\r\n', { requests: 2 }),
  reply('no reason phrase', 'HTTP/1.1 302\r\nlocation: /login\r\ncontent-length: 0\r\n\r\n'),
  {
    name: 'gzip body (raw bytes at this layer)',
    script: every(
      write(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${gzipped.length}\r\n\r\n`),
      write(gzipped),
    ),
  },
  reply('UTF-8 header value (raw bytes at this layer)', Buffer.from(ok('x', 'x-user: zoë1\r\n'), 'utf8')),
  reply('status 500', 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 3\r\n\r\nbad', { requests: 2 }),
  {
    name: 'head in two writes a moment apart',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-le'), wait(5), write('ngth: 2\r\n\r\nok')),
    requests: 2,
  },
  reply('TLS: sized body', ok(), { tls: true, requests: 2 }),
  {
    name: 'TLS: chunked byte by byte',
    tls: true,
    script: every(...byteByByte('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n')),
  },
  {
    name: 'TLS: read to the close',
    tls: true,
    script: every(write('HTTP/1.1 200 OK\r\n\r\nto the end'), 'end'),
  },

  // The connection reset, closed or silent after the status line, or a bad chunk size there: a failure of the
  // exchange, not an answer with a short body.
  {
    name: 'reset mid-body',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'), wait(5), 'reset'),
  },
  {
    name: 'FIN mid-body',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'), wait(5), 'end'),
  },
  reply('stall mid-body', 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'),
  reply('bad chunk size mid-body', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n'),
  {
    name: 'FIN mid-chunked body',
    script: every(write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n'), wait(5), 'end'),
  },
  { name: 'stall before the head', script: every() },
  { name: 'reset before the head', script: every('reset') },

  // The server closes a kept-alive connection as the next request goes out on it.
  {
    name: 'keep-alive answer and FIN together',
    script: every(write(ok('x')), 'end'),
    requests: 6,
    differs: { engine: '200,200,200,200,200,200', why: resendWhy },
  },
  {
    name: 'keep-alive answer, FIN a moment later',
    script: every(write(ok('x')), wait(1), 'end'),
    requests: 4,
    differs: { engine: '200,200,200,200', why: resendWhy },
  },

  // Malformed header lines: whitespace before the colon, bare LF and CR, obs-fold, control bytes, no colon.
  reply('space before the colon of Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello'),
  reply('bare LF inside the head', 'HTTP/1.1 200 OK\r\nx-a: 1\ncontent-length: 5\r\n\r\nhello'),
  reply('space before the colon of Set-Cookie', ok('x', 'Set-Cookie : sid=1\r\n')),
  reply('space before the colon of X-Backend-Id', ok('x', 'X-Backend-Id : b1\r\n')),
  reply('obs-fold line holding a colon', ok('x', 'set-cookie: sid=1;\r\n Path=/: x\r\n')),
  reply('obs-fold line', ok('x', 'x-user: user1\r\n  continued\r\n')),
  reply('tab before the colon', ok('x', 'x-user\t: user1\r\n')),
  reply('empty header value, trailing blanks', ok('x', 'x-user:\r\nset-cookie: a=1 \t \r\n')),
  reply('control byte 0x01 in a header value', ok('x', 'x-user: a\x01b\r\n')),
  reply('DEL in a header value', ok('x', 'x-user: a\x7fb\r\n')),
  reply('bare CR in a header value', ok('x', 'x-user: a\rb\r\n')),
  reply('control byte in the reason phrase', 'HTTP/1.1 200 O\x01K\r\ncontent-length: 0\r\n\r\n'),
  reply('LF before the status line', `\n${ok()}`),
  reply('two CRLFs before the status line', `\r\n\r\n${ok()}`),
  reply('header line without a colon', ok('x', 'x-broken\r\n')),
  reply('NUL in a header value', ok('x', 'x-user: a\0b\r\n')),

  // Not HTTP (another protocol's banner, LF-only lines), or not HTTP/1.x, or a status out of range.
  reply('LF-only head', 'HTTP/1.1 200 OK\ncontent-length: 2\n\nok'),
  reply('a non-HTTP banner (SSH on the port)', 'SSH-2.0-OpenSSH_9.6\r\n'),
  reply('a non-HTTP banner (Redis on the port)', '-ERR unknown command\r\n'),
  reply('HTTP/2.0 status line', 'HTTP/2.0 200 OK\r\ncontent-length: 0\r\n\r\n'),
  reply('HTTP/1.2 status line', 'HTTP/1.2 200 OK\r\ncontent-length: 0\r\n\r\n'),
  reply('HTTP/3.0 status line', 'HTTP/3.0 200 OK\r\ncontent-length: 0\r\n\r\n'),
  reply('HTTP/0.9 status line', 'HTTP/0.9 200 OK\r\ncontent-length: 0\r\n\r\n'),
  reply('status 099', 'HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n', {
    differs: {
      engine: '-/parse',
      why: 'a status below 100 is no HTTP status (RFC 9110 15); llhttp takes any three digits',
    },
  }),
  reply('status 600', 'HTTP/1.1 600 Odd\r\ncontent-length: 0\r\n\r\n'),
  reply('four-digit status', 'HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n'),

  // A protocol switch the request did not ask for.
  reply(
    'unrequested 101 Switching Protocols',
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n',
  ),

  // Framing: where a body ends when the head is ambiguous, malformed or large.
  reply(
    'chunked and Content-Length both',
    'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
    { requests: 2 },
  ),
  reply('CRLF before the status line', `\r\n${ok()}`, { requests: 2 }),
  reply('equal duplicate Content-Length', ok('ab', 'content-length: 2\r\n')),
  reply('differing duplicate Content-Length', ok('ab', 'content-length: 3\r\n')),
  reply('negative Content-Length', 'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'),
  reply('Content-Length with a plus sign', 'HTTP/1.1 200 OK\r\ncontent-length: +2\r\n\r\nok'),
  reply(
    'chunk size overflowing 64 bits',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10000000000000000\r\n',
  ),
  reply(
    'chunk data without its CRLF',
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n',
  ),
  reply('bytes after the body (unasked)', `${ok('ab')}garbage`, { requests: 2 }),
  reply('a 20 KB head', ok('x', `x-big: ${'a'.repeat(20 * 1024)}\r\n`), {
    differs: {
      engine: '200',
      why: 'the engine reads heads up to 64 KB (a balancer adding big cookies must not turn answers into errors); llhttp is built with 16 KB in Node and undici',
    },
  }),
  reply('a 70 KB head', ok('x', `x-big: ${'a'.repeat(70 * 1024)}\r\n`)),
];

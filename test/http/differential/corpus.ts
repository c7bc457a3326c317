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
  /** Which issue 18 defect the case is about, if any. */
  defect?: number;
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
  { name: 'sized body', script: every(write(ok())) },
  { name: 'sized body, two requests reuse one connection', script: every(write(ok())), requests: 3 },
  {
    name: 'chunked with extensions and trailers',
    script: every(
      write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-backend-id: b2\r\n\r\n' +
          '3;ext=1;q="a b"\r\nabc\r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n',
      ),
    ),
    requests: 2,
  },
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
  {
    name: 'HEAD with a content-length',
    method: 'HEAD',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n')),
    requests: 2,
  },
  {
    name: '100 Continue, then the answer',
    script: every(write('HTTP/1.1 100 Continue\r\n\r\n'), wait(5), write(ok('after'))),
    requests: 2,
  },
  {
    name: '103 Early Hints with headers, then the answer',
    script: every(write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n' + ok('x'))),
    requests: 2,
  },
  {
    name: '204 without a length',
    script: every(write('HTTP/1.1 204 No Content\r\nx-backend-id: b1\r\n\r\n')),
    requests: 2,
  },
  {
    name: '304 with a content-length and no body',
    script: every(write('HTTP/1.1 304 Not Modified\r\ncontent-length: 40\r\n\r\n')),
    requests: 2,
  },
  {
    name: 'body read to the close',
    script: every(write('HTTP/1.1 200 OK\r\n\r\nto the end'), 'end'),
    requests: 2,
  },
  {
    name: 'HTTP/1.0 without keep-alive: closed after',
    script: every(write('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok')),
    requests: 2,
  },
  {
    name: 'HTTP/1.0 with Connection: keep-alive: reused',
    script: every(write('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 2\r\n\r\nok')),
    requests: 2,
  },
  {
    name: 'Connection: close, then FIN',
    script: every(write(ok('x', 'connection: close\r\n')), 'end'),
    requests: 2,
  },
  {
    name: 'Keep-Alive: timeout=5 hint',
    script: every(write(ok('x', 'keep-alive: timeout=5, max=100\r\n'))),
    requests: 2,
  },
  {
    name: 'repeated Set-Cookie and mixed-case names',
    script: every(write(ok('x', 'Set-Cookie: a=1; Path=/\r\nSET-COOKIE: b=2\r\nX-User: user1\r\n'))),
  },
  {
    name: 'empty reason phrase',
    script: every(write('HTTP/1.1 401 \r\ncontent-length: 0\r\n\r\n')),
    requests: 2,
  },
  {
    name: 'no reason phrase',
    script: every(write('HTTP/1.1 302\r\nlocation: /login\r\ncontent-length: 0\r\n\r\n')),
  },
  {
    name: 'gzip body (raw bytes at this layer)',
    script: every(
      write(`HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: ${gzipped.length}\r\n\r\n`),
      write(gzipped),
    ),
    defect: 7,
  },
  {
    name: 'UTF-8 header value (raw bytes at this layer)',
    script: every(write(Buffer.from(ok('x', 'x-user: zoë1\r\n'), 'utf8'))),
    defect: 8,
  },
  {
    name: 'status 500',
    script: every(write('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 3\r\n\r\nbad')),
    requests: 2,
  },
  {
    name: 'head in two writes a moment apart',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-le'), wait(5), write('ngth: 2\r\n\r\nok')),
    requests: 2,
  },
  { name: 'TLS: sized body', tls: true, script: every(write(ok())), requests: 2 },
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

  // Failures after the status line (defect 1).
  {
    name: 'reset mid-body',
    defect: 1,
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'), wait(5), 'reset'),
  },
  {
    name: 'FIN mid-body',
    defect: 1,
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc'), wait(5), 'end'),
  },
  {
    name: 'stall mid-body',
    defect: 1,
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc')),
  },
  {
    name: 'bad chunk size mid-body',
    defect: 1,
    script: every(write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n')),
  },
  {
    name: 'FIN mid-chunked body',
    defect: 1,
    script: every(write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n'), wait(5), 'end'),
  },
  { name: 'stall before the head', script: every() },
  { name: 'reset before the head', script: every('reset') },

  // The server's close races the next request (defect 2).
  {
    name: 'keep-alive answer and FIN together',
    defect: 2,
    script: every(write(ok('x')), 'end'),
    requests: 6,
    differs: { engine: '200,200,200,200,200,200', why: resendWhy },
  },
  {
    name: 'keep-alive answer, FIN a moment later',
    defect: 2,
    script: every(write(ok('x')), wait(1), 'end'),
    requests: 4,
    differs: { engine: '200,200,200,200', why: resendWhy },
  },

  // Malformed header syntax (defects 3, 5).
  {
    name: 'space before the colon of Content-Length',
    defect: 3,
    script: every(write('HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello')),
  },
  {
    name: 'bare LF inside the head',
    defect: 3,
    script: every(write('HTTP/1.1 200 OK\r\nx-a: 1\ncontent-length: 5\r\n\r\nhello')),
  },
  {
    name: 'space before the colon of Set-Cookie',
    defect: 5,
    script: every(write(ok('x', 'Set-Cookie : sid=1\r\n'))),
  },
  {
    name: 'space before the colon of X-Backend-Id',
    defect: 5,
    script: every(write(ok('x', 'X-Backend-Id : b1\r\n'))),
  },
  {
    name: 'obs-fold line holding a colon',
    defect: 5,
    script: every(write(ok('x', 'set-cookie: sid=1;\r\n Path=/: x\r\n'))),
  },
  { name: 'obs-fold line', script: every(write(ok('x', 'x-user: user1\r\n  continued\r\n'))) },
  { name: 'tab before the colon', script: every(write(ok('x', 'x-user\t: user1\r\n'))) },
  {
    name: 'empty header value, trailing blanks',
    script: every(write(ok('x', 'x-user:\r\nset-cookie: a=1 \t \r\n'))),
  },
  { name: 'control byte 0x01 in a header value', script: every(write(ok('x', 'x-user: a\x01b\r\n'))) },
  { name: 'DEL in a header value', script: every(write(ok('x', 'x-user: a\x7fb\r\n'))) },
  { name: 'bare CR in a header value', script: every(write(ok('x', 'x-user: a\rb\r\n'))) },
  {
    name: 'control byte in the reason phrase',
    script: every(write('HTTP/1.1 200 O\x01K\r\ncontent-length: 0\r\n\r\n')),
  },
  { name: 'LF before the status line', script: every(write(`\n${ok()}`)) },
  { name: 'two CRLFs before the status line', script: every(write(`\r\n\r\n${ok()}`)) },
  { name: 'header line without a colon', script: every(write(ok('x', 'x-broken\r\n'))) },
  { name: 'NUL in a header value', script: every(write(ok('x', 'x-user: a\0b\r\n'))) },

  // Not HTTP, or not this HTTP (defect 4).
  { name: 'LF-only head', defect: 4, script: every(write('HTTP/1.1 200 OK\ncontent-length: 2\n\nok')) },
  { name: 'a non-HTTP banner (SSH on the port)', defect: 4, script: every(write('SSH-2.0-OpenSSH_9.6\r\n')) },
  {
    name: 'a non-HTTP banner (Redis on the port)',
    defect: 4,
    script: every(write('-ERR unknown command\r\n')),
  },
  { name: 'HTTP/2.0 status line', script: every(write('HTTP/2.0 200 OK\r\ncontent-length: 0\r\n\r\n')) },
  { name: 'HTTP/1.2 status line', script: every(write('HTTP/1.2 200 OK\r\ncontent-length: 0\r\n\r\n')) },
  { name: 'HTTP/3.0 status line', script: every(write('HTTP/3.0 200 OK\r\ncontent-length: 0\r\n\r\n')) },
  { name: 'HTTP/0.9 status line', script: every(write('HTTP/0.9 200 OK\r\ncontent-length: 0\r\n\r\n')) },
  {
    name: 'status 099',
    script: every(write('HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n')),
    differs: {
      engine: '-/parse',
      why: 'a status below 100 is no HTTP status (RFC 9110 15); llhttp takes any three digits',
    },
  },
  { name: 'status 600', script: every(write('HTTP/1.1 600 Odd\r\ncontent-length: 0\r\n\r\n')) },
  { name: 'four-digit status', script: every(write('HTTP/1.1 2000 OK\r\ncontent-length: 0\r\n\r\n')) },

  // An unrequested upgrade (defect 6).
  {
    name: 'unrequested 101 Switching Protocols',
    defect: 6,
    script: every(
      write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n'),
    ),
  },

  // Framing (defect 9).
  {
    name: 'chunked and Content-Length both',
    defect: 9,
    script: every(
      write('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n'),
    ),
    requests: 2,
  },
  { name: 'CRLF before the status line', defect: 9, script: every(write(`\r\n${ok()}`)), requests: 2 },
  {
    name: 'equal duplicate Content-Length',
    defect: 9,
    script: every(write(ok('ab', 'content-length: 2\r\n'))),
  },
  { name: 'differing duplicate Content-Length', script: every(write(ok('ab', 'content-length: 3\r\n'))) },
  { name: 'negative Content-Length', script: every(write('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n')) },
  {
    name: 'Content-Length with a plus sign',
    script: every(write('HTTP/1.1 200 OK\r\ncontent-length: +2\r\n\r\nok')),
  },
  {
    name: 'chunk size overflowing 64 bits',
    script: every(write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10000000000000000\r\n')),
  },
  {
    name: 'chunk data without its CRLF',
    script: every(write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n')),
  },
  { name: 'bytes after the body (unasked)', script: every(write(`${ok('ab')}garbage`)), requests: 2 },
  {
    name: 'a 20 KB head',
    defect: 9,
    script: every(write(ok('x', `x-big: ${'a'.repeat(20 * 1024)}\r\n`))),
    differs: {
      engine: '200',
      why: 'the engine reads heads up to 64 KB (a balancer adding big cookies must not turn answers into errors); llhttp is built with 16 KB in Node and undici',
    },
  },
  { name: 'a 70 KB head', script: every(write(ok('x', `x-big: ${'a'.repeat(70 * 1024)}\r\n`))) },
];

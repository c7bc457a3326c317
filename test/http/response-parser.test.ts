import { describe, expect, it } from 'vitest';
import { maxHeadBytes, ParseError, ResponseParser } from '../../src/http/response-parser.js';
import type { ResponseHeaders } from '../../src/http/types.js';

interface Heard {
  status?: number;
  headers?: ResponseHeaders;
  keepAlive?: boolean;
  body: string;
  ended: boolean;
}

function parserFor(options: { headOnly?: boolean } = {}): { parser: ResponseParser; heard: Heard } {
  const heard: Heard = { body: '', ended: false };
  const parser = new ResponseParser({
    onHead: (status, headers, keepAlive) => {
      Object.assign(heard, { status, headers, keepAlive });
      return options.headOnly ?? false;
    },
    onBody: (chunk, start, end) => {
      heard.body += chunk.toString('latin1', start, end);
    },
    onEnd: () => {
      heard.ended = true;
    },
  });
  return { parser, heard };
}

/** Parses `text` fed in the given pieces (split points), then as the connection's end if `close`. */
function parse(text: string, splits: number[] = [], close = false): Heard {
  const { parser, heard } = parserFor();
  const bytes = Buffer.from(text, 'latin1');
  let from = 0;
  for (const at of [...splits, bytes.length]) {
    parser.execute(bytes.subarray(from, at));
    from = at;
  }
  if (close) parser.finish();
  return heard;
}

function codeOf(text: string): string | undefined {
  try {
    parse(text);
  } catch (error) {
    return error instanceof ParseError ? error.code : 'not a ParseError';
  }
  return undefined;
}

const sized =
  'HTTP/1.1 200 OK\r\nX-Backend-Id: b1\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\ncontent-length: 5\r\n\r\nhello';
const chunked =
  'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nx-trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  it('reads status, headers (lower-cased, repeats gathered) and a sized body', () => {
    expect(parse(sized)).toEqual({
      status: 200,
      headers: { 'x-backend-id': 'b1', 'set-cookie': ['a=1', 'b=2'], 'content-length': '5' },
      keepAlive: true,
      body: 'hello',
      ended: true,
    });
  });

  it('reports only the headers asked for, and still frames the body by the others', () => {
    const { parser, heard } = parserFor();
    parser.reset(['x-backend-id', 'set-cookie']);
    parser.execute(Buffer.from(sized));
    expect(heard).toMatchObject({ body: 'hello', ended: true });
    // Matched whatever the case the server wrote them in.
    expect(heard.headers).toEqual({ 'x-backend-id': 'b1', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('reads the same response whatever the reads it arrives in', () => {
    for (const text of [sized, chunked]) {
      const whole = parse(text);
      for (let at = 1; at < text.length; at++) expect(parse(text, [at])).toEqual(whole);
      expect(
        parse(
          text,
          Array.from({ length: text.length - 1 }, (_, i) => i + 1),
        ),
      ).toEqual(whole);
    }
  });

  it('reads chunked bodies with extensions and trailers', () => {
    expect(parse(chunked)).toMatchObject({ body: 'abc0123456789', ended: true, keepAlive: true });
  });

  it('reads a body without length to the end of the connection, and never reuses that connection', () => {
    const open = parse('HTTP/1.1 200 OK\r\n\r\npart one, ');
    expect(open).toMatchObject({ body: 'part one, ', ended: false, keepAlive: false });
    expect(parse('HTTP/1.1 200 OK\r\n\r\nall', [], true)).toMatchObject({ body: 'all', ended: true });
  });

  it('ends bodiless answers at their head: 204, 304, and any answer to HEAD', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({
      status: 204,
      ended: true,
      keepAlive: true,
    });
    expect(parse('HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\n\r\n')).toMatchObject({ ended: true });
    const { parser, heard } = parserFor({ headOnly: true });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n'));
    expect(heard).toMatchObject({ status: 200, ended: true, body: '' });
  });

  it('skips interim 1xx heads and reads the final answer', () => {
    expect(
      parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok', [10, 30]),
    ).toMatchObject({
      status: 201,
      body: 'ok',
      ended: true,
    });
  });

  it('follows Connection: close on 1.1 and keep-alive on 1.0', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n').keepAlive).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n').keepAlive).toBe(
      true,
    );
  });

  it("reads the server's idle timeout from Keep-Alive", () => {
    const { parser } = parserFor();
    parser.execute(
      Buffer.from('HTTP/1.1 200 OK\r\nKeep-Alive: max=100, timeout=5\r\ncontent-length: 0\r\n\r\n'),
    );
    expect(parser.idleTimeoutHintMs).toBe(5000);
  });

  it('reads only the first `length` bytes of a shared read buffer, whatever lies after them', () => {
    const { parser, heard } = parserFor();
    const shared = Buffer.alloc(256, 'x');
    const stale = Buffer.from('HTTP/1.1 500 Stale\r\ncontent-length: 0\r\n\r\n');
    stale.copy(shared, 40);
    const pieces = ['HTTP/1.1 200 OK\r\ncontent-', 'length: 5\r\n\r\nhel', 'lo'];
    for (const piece of pieces) {
      const length = shared.write(piece, 'latin1');
      parser.execute(shared, length);
    }
    expect(heard).toMatchObject({ status: 200, body: 'hello', ended: true });
    expect(parser.trailingBytes).toBe(false);
  });

  it('reads each Keep-Alive value as it comes, not the one the last answer had', () => {
    const { parser } = parserFor();
    const hints = ['timeout=5', 'max=3', 'timeout=65', 'TIMEOUT = 7', 'timeout=5'].map((value) => {
      parser.reset();
      parser.execute(Buffer.from(`HTTP/1.1 200 OK\r\nkeep-alive: ${value}\r\ncontent-length: 0\r\n\r\n`));
      return parser.idleTimeoutHintMs;
    });
    expect(hints).toEqual([5000, undefined, 65_000, 7000, 5000]);
    parser.reset();
    parser.execute(
      Buffer.from(
        'HTTP/1.1 200 OK\r\nkeep-alive: timeout=9\r\nkeep-alive: max=2\r\ncontent-length: 0\r\n\r\n',
      ),
    );
    expect(parser.idleTimeoutHintMs).toBe(9000);
  });

  it('reads Content-Length as digits only, and header names in any case', () => {
    for (const bad of ['', '1.5', '0x10', '1e3', '+5', '1 2', '1234567890123456']) {
      expect(codeOf(`HTTP/1.1 200 OK\r\ncontent-length: ${bad}\r\n\r\n`), bad).toBe(
        'HPE_UNEXPECTED_CONTENT_LENGTH',
      );
    }
    const { parser, heard } = parserFor();
    parser.reset(['x-user']);
    parser.execute(
      Buffer.from('HTTP/1.1 200 OK\r\nCONTENT-Length:  007 \r\nX-USER: ann\r\nx-usex: no\r\n\r\nabcdefg'),
    );
    expect(heard).toMatchObject({ headers: { 'x-user': 'ann' }, body: 'abcdefg', ended: true });
    expect(Object.keys(heard.headers ?? {})).toEqual(['x-user']);
  });

  it('marks bytes after the end of the answer, so the connection is not trusted again', () => {
    const { parser, heard } = parserFor();
    parser.execute(Buffer.from(`${sized}HTTP/1.1 200 OK\r\n`));
    expect(heard.ended).toBe(true);
    expect(parser.trailingBytes).toBe(true);
    parser.reset();
    expect(parser.trailingBytes).toBe(false);
  });

  it('names what is wrong with an answer that cannot be read', () => {
    expect(codeOf('<html>hello</html>\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(codeOf('HTTP/1.1 2x0 OK\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(codeOf('HTTP/1.2 200 OK\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(codeOf('HTTP/3.0 200 OK\r\n\r\n')).toBe('HPE_INVALID_CONSTANT');
    expect(codeOf('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(codeOf('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n')).toBe('HPE_UNEXPECTED_CONTENT_LENGTH');
    expect(codeOf('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n')).toBe(
      'HPE_UNEXPECTED_CONTENT_LENGTH',
    );
    expect(codeOf('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n')).toBe(
      'HPE_INVALID_CHUNK_SIZE',
    );
    expect(codeOf('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\naXX')).toBe(
      'HPE_INVALID_CHUNK_SIZE',
    );
    expect(codeOf(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(maxHeadBytes)}`)).toBe('HPE_HEADER_OVERFLOW');
  });

  it('refuses malformed header syntax instead of dropping the line', () => {
    const head = (line: string): string => `HTTP/1.1 200 OK\r\n${line}\r\ncontent-length: 2\r\n\r\nok`;
    for (const line of ['Content-Length : 2', 'Set-Cookie : sid=1', 'X-Backend-Id\t: b1', 'no colon']) {
      expect(codeOf(head(line)), line).toBe('HPE_INVALID_HEADER_TOKEN');
    }
    // obs-fold: llhttp refuses a folded line in a response, with or without a colon in it.
    expect(codeOf(head('set-cookie: sid=1;\r\n Path=/: x'))).toBe('HPE_INVALID_HEADER_TOKEN');
    expect(codeOf(head('x-user: a\r\n\tb'))).toBe('HPE_INVALID_HEADER_TOKEN');
    for (const byte of ['\0', '\x01', '\x7f']) {
      expect(codeOf(head(`x-user: a${byte}b`)), JSON.stringify(byte)).toBe('HPE_INVALID_HEADER_TOKEN');
    }
    expect(codeOf(head('x-a: 1\ncontent-length: 5'))).toBe('HPE_CR_EXPECTED');
    expect(codeOf(head('x-a: 1\rb'))).toBe('HPE_LF_EXPECTED');
    // What llhttp does accept: bytes from 0x80 in a value, tabs, an empty value, control bytes in the reason.
    expect(parse(head('x-user: zo\xc3\xab1\t')).headers).toMatchObject({ 'x-user': 'zo\xc3\xab1' });
    expect(parse(head('x-user:')).headers).toMatchObject({ 'x-user': '' });
    expect(parse('HTTP/1.1 200 O\x01K\r\ncontent-length: 0\r\n\r\n').status).toBe(200);
  });

  it('fails at once on what cannot become a head, without waiting for its end', () => {
    for (const start of ['HTTP/1.1 200 OK\ncontent-length: 2\n', 'SSH-2.0-OpenSSH_9.6\r\n', '-ERR', 'H\r']) {
      const { parser } = parserFor();
      expect(() => parser.execute(Buffer.from(start, 'latin1')), JSON.stringify(start)).toThrow(ParseError);
    }
    // A head that is merely incomplete waits for its end.
    const { parser, heard } = parserFor();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\ncontent-le'));
    parser.execute(Buffer.from('ngth: 0\r\n\r\n'));
    expect(heard).toMatchObject({ status: 200, ended: true });
    parser.reset();
    parser.execute(Buffer.from('HT'));
  });

  it('refuses an unrequested 101 Switching Protocols', () => {
    expect(
      codeOf('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n'),
    ).toBe('HPE_PAUSED_UPGRADE');
  });

  it('frames as llhttp does: TE with CL refused, any repeated CL refused, CRLF before the status line skipped', () => {
    expect(
      codeOf('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n'),
    ).toBe('HPE_INVALID_TRANSFER_ENCODING');
    expect(codeOf('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok')).toBe(
      'HPE_UNEXPECTED_CONTENT_LENGTH',
    );
    expect(parse('\r\n\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')).toMatchObject({
      status: 200,
      body: 'ok',
    });
    expect(parse('\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', [1, 2])).toMatchObject({ body: 'ok' });
    expect(parse('HTTP/0.9 200 OK\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      status: 200,
      keepAlive: false,
    });
    expect(parse('HTTP/2.0 200 OK\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      status: 200,
      keepAlive: false,
    });
  });

  it('says whether the end of the connection completed the answer', () => {
    const { parser } = parserFor();
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort'));
    expect(parser.finish()).toBe(false);
  });
});

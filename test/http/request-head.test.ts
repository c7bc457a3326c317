import { describe, expect, it } from 'vitest';
import { HeaderValueError, requestHead } from '../../src/http/request-head.js';

describe('requestHead', () => {
  it('writes the request line, the headers, the origin as Host and the blank line', () => {
    const head = requestHead(
      { method: 'GET', path: '/me?x=1', headers: { cookie: 'sid=a', 'x-vu': '7' }, closeAfter: false },
      '127.0.0.1:8080',
    );
    expect(head).toBe('GET /me?x=1 HTTP/1.1\r\ncookie: sid=a\r\nx-vu: 7\r\nhost: 127.0.0.1:8080\r\n\r\n');
  });

  it('counts the body in bytes, not characters, and asks for a close when told to', () => {
    const head = requestHead(
      { method: 'POST', path: '/login', headers: {}, body: '{"p":"héllo"}', closeAfter: true },
      'h',
    );
    expect(head).toContain('content-length: 14\r\n');
    expect(head).toMatch(/connection: close\r\n\r\n$/);
  });

  it('keeps a Host header of the profile instead of the origin', () => {
    const head = requestHead(
      { method: 'GET', path: '/', headers: { Host: 'shop.test' }, closeAfter: false },
      'h',
    );
    expect(head).toBe('GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n');
  });

  it('refuses a header value that would write a header of its own', () => {
    expect(() =>
      requestHead(
        { method: 'GET', path: '/', headers: { cookie: 'a\r\nx-admin: 1' }, closeAfter: false },
        'h',
      ),
    ).toThrow(HeaderValueError);
  });
});

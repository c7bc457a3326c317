import { CookieJar } from 'tough-cookie';
import { describe, expect, it } from 'vitest';
import { SmallCookieStore } from '../../src/traffic/cookie-store.js';

/** The same Set-Cookie answers into a jar on tough-cookie's MemoryCookieStore and one on ours. */
function jars(): { memory: CookieJar; small: CookieJar; both: (set: string, url: string) => void } {
  const memory = new CookieJar();
  const small = new CookieJar(new SmallCookieStore());
  return {
    memory,
    small,
    both: (set, url) => {
      memory.setCookieSync(set, url, { ignoreError: true });
      small.setCookieSync(set, url, { ignoreError: true });
    },
  };
}

const urls = [
  'http://app.example.com/',
  'http://app.example.com/api/me',
  'http://www.app.example.com/account/settings',
  'https://app.example.com/secure',
  'http://example.com/',
  'http://other.example.org/',
  'http://127.0.0.1:8080/me',
];

describe('SmallCookieStore', () => {
  it('gives a jar the same cookies as tough-cookie`s own store, through sets, overwrites and deletions', () => {
    const { memory, small, both } = jars();
    both('sid=1; Path=/', 'http://app.example.com/login');
    both('wide=1; Domain=example.com; Path=/', 'http://app.example.com/');
    both('api=1; Path=/api', 'http://app.example.com/api/login');
    both('sec=1; Secure; Path=/', 'https://app.example.com/');
    both('SERVERID=b2; Path=/', 'http://127.0.0.1:8080/login');
    both('sid=2; Path=/', 'http://app.example.com/again');
    both('bad=1; Domain=example.org', 'http://app.example.com/');
    both('api=; Path=/api; Max-Age=0', 'http://app.example.com/api/logout');
    for (const url of urls) {
      expect(small.getCookieStringSync(url)).toBe(memory.getCookieStringSync(url));
      expect(small.getCookiesSync(url).map(String)).toEqual(memory.getCookiesSync(url).map(String));
    }
    const keys = (jar: CookieJar) => jar.serializeSync()?.cookies.map((cookie) => cookie.key);
    expect(keys(small)).toEqual(keys(memory));
  });

  it('forgets everything on removeAllCookies', () => {
    const { small } = jars();
    small.setCookieSync('sid=1; Path=/', 'http://127.0.0.1/');
    small.removeAllCookiesSync();
    expect(small.getCookieStringSync('http://127.0.0.1/')).toBe('');
  });
});

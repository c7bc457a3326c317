import { describe, expect, it } from 'vitest';
import {
  learnLoggedOut,
  learnLoginSuccess,
  locationPath,
  redirectRegex,
  sameAnswer,
} from '../../src/controls/learn.js';

const base = 'http://127.0.0.1:8080';
const page = (body: string) => ({ request: 'GET /account', status: 200, body });

describe('learning the "not logged in" rule', () => {
  it('takes a 4xx the logged-in answer has not', () => {
    const pairs = [
      { loggedOut: { request: 'GET /me', status: 401 }, loggedIn: { request: 'GET /me', status: 200 } },
    ];
    expect(learnLoggedOut(pairs, base)).toEqual({ rule: { status: [401] } });
  });

  it("takes the redirect's path, whatever its query or host", () => {
    const pairs = [
      {
        loggedOut: { request: 'GET /account', status: 302, location: '/signin?next=%2Faccount' },
        loggedIn: page('<h1>Your account</h1>'),
      },
      {
        loggedOut: {
          request: 'GET /admin/',
          status: 302,
          location: 'http://127.0.0.1:8080/admin/login/?next=/admin/',
        },
        loggedIn: page('<h1>Site administration</h1>'),
      },
    ];
    const learned = learnLoggedOut(pairs, base);
    expect(learned).toEqual({
      rule: { status: [], redirectTo: '^(?:https?://[^/]+)?(?:/admin/login/|/signin)(?:[?#]|$)' },
    });
    const regex = new RegExp(redirectRegex(['/signin']));
    expect(regex.test('/signin?next=%2Faccount')).toBe(true);
    expect(regex.test('https://shop.test/signin')).toBe(true);
    expect(regex.test('/signing')).toBe(false);
  });

  it('takes a body marker only the logged-out page has, and names pairs nothing tells apart', () => {
    const form = page('<form><input type="password" name="password"></form>');
    expect(learnLoggedOut([{ loggedOut: form, loggedIn: page('<p>Welcome</p>') }], base)).toEqual({
      rule: { status: [], bodyPattern: 'type=["\']?password' },
    });
    const pair = { loggedOut: page('<p>Hello</p>'), loggedIn: page('<p>Hi there</p>') };
    expect(learnLoggedOut([pair], base)).toEqual({ unexplained: [pair] });
  });
});

describe('telling answers apart', () => {
  it('calls answers the same up to ids, tokens and numbers', () => {
    expect(
      sameAnswer(
        page('id 12 at 1700000000 token a8f9e0c1d2b3a4f5e6'),
        page('id 13 at 1700000001 token ffffeeee00001111aa'),
        base,
      ),
    ).toBe(true);
    expect(sameAnswer(page('a'), { ...page('a'), status: 401 }, base)).toBe(false);
    expect(locationPath('/signin?next=x', base)).toBe('/signin');
    expect(locationPath(undefined, base)).toBeUndefined();
  });
});

describe('learning login success', () => {
  it("prefers the right password's redirect, then the cookie only it sets (the session-like one)", () => {
    const wrong = { request: 'POST /login', status: 200, setCookies: ['csrftoken'], body: 'Please enter' };
    expect(
      learnLoginSuccess(
        { request: 'POST /login', status: 302, location: '/admin/', setCookies: ['sessionid'] },
        wrong,
        base,
      ),
    ).toEqual({ redirectTo: '^(?:https?://[^/]+)?/admin/(?:[?#]|$)' });
    expect(
      learnLoginSuccess(
        { request: 'POST /login', status: 200, setCookies: ['csrftoken2', 'sessionid'] },
        wrong,
        base,
      ),
    ).toEqual({ cookie: 'sessionid' });
    expect(
      learnLoginSuccess({ request: 'POST /login', status: 200, setCookies: ['csrftoken'] }, wrong, base),
    ).toBeUndefined();
  });
});

import {
  type Callback,
  type Cookie,
  type ErrorCallback,
  type Nullable,
  pathMatch,
  permuteDomain,
  Store,
} from 'tough-cookie';

function answer<T>(callback: Callback<T> | undefined, value: T): Promise<T> | undefined {
  if (callback === undefined) return Promise.resolve(value);
  callback(null, value);
  return undefined;
}

function done(callback: ErrorCallback | undefined): Promise<void> | undefined {
  if (callback === undefined) return Promise.resolve();
  callback(null);
  return undefined;
}

/**
 * Every user's cookie carries the same domain, path and name; tough-cookie parses a fresh copy of each for
 * every user. Keeping one copy of each saves about 60 bytes per user. Bounded, so a server that sets ever new
 * names cannot grow it without end (past the bound strings are kept as they come).
 */
const sharedStrings = new Map<string, string>();
const sharedStringsBound = 1000;

function shared(value: string): string {
  const known = sharedStrings.get(value);
  if (known !== undefined) return known;
  if (sharedStrings.size < sharedStringsBound) sharedStrings.set(value, value);
  return value;
}

/**
 * tough-cookie slices a cookie's value out of the whole Set-Cookie line, so each user's value kept the line
 * (about 100 bytes) alive; a copy of its own holds only the value.
 */
function detached(value: string): string {
  return JSON.parse(JSON.stringify(value)) as string;
}

let lastDate: Date | undefined;

function sharedDate(date: Date | 'Infinity' | null): Date | 'Infinity' | null {
  if (!(date instanceof Date)) return date;
  if (lastDate?.getTime() === date.getTime()) return lastDate;
  lastDate = date;
  return date;
}

/**
 * tough-cookie stamps every cookie it stores or hands out with a new Date (creation, last access; about
 * 100 bytes each, two per user once it has sent a request). Users logged in within the same millisecond can
 * hold one Date object: tough-cookie only ever reads them.
 */
export function shareDates(cookie: Cookie): void {
  cookie.creation = sharedDate(cookie.creation);
  cookie.lastAccessed = sharedDate(cookie.lastAccessed);
}

const same = (cookie: Cookie, domain: Nullable<string>, path: Nullable<string>, key: Nullable<string>) =>
  cookie.domain === domain && cookie.path === path && cookie.key === key;

/**
 * tough-cookie's MemoryCookieStore keeps three nested dictionary objects per jar (domain, path, name), about
 * 300 bytes before the first cookie; a virtual user holds one or two cookies, so a plain array does the same
 * job in a few dozen bytes, which matters at 100,000 users. Same answers as MemoryCookieStore: the jar
 * filters and sorts what `findCookies` returns exactly as it does for its own store.
 */
export class SmallCookieStore extends Store {
  #cookies: Cookie[] = [];

  constructor() {
    super();
    this.synchronous = true;
  }

  override findCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
  ): Promise<Cookie | undefined>;
  override findCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
    callback: Callback<Cookie | undefined>,
  ): void;
  override findCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
    callback?: Callback<Cookie | undefined>,
  ): Promise<Cookie | undefined> | undefined {
    const found =
      domain == null || path == null || key == null
        ? undefined
        : this.#cookies.find((cookie) => same(cookie, domain, path, key));
    return answer(callback, found);
  }

  override findCookies(
    domain: Nullable<string>,
    path: Nullable<string>,
    allowSpecialUseDomain?: boolean,
  ): Promise<Cookie[]>;
  override findCookies(
    domain: Nullable<string>,
    path: Nullable<string>,
    allowSpecialUseDomain?: boolean,
    callback?: Callback<Cookie[]>,
  ): void;
  override findCookies(
    domain: Nullable<string>,
    path: Nullable<string>,
    allowSpecialUseDomain: boolean | Callback<Cookie[]> = false,
    callback?: Callback<Cookie[]>,
  ): Promise<Cookie[]> | undefined {
    if (typeof allowSpecialUseDomain === 'function') {
      // The store API's older form: (domain, path, callback).
      this.findCookies(domain, path, true, allowSpecialUseDomain);
      return undefined;
    }
    if (!domain) return answer(callback, []);
    const domains = permuteDomain(domain, allowSpecialUseDomain) ?? [domain];
    const results: Cookie[] = [];
    for (const candidate of domains) {
      for (const cookie of this.#cookies) {
        if (cookie.domain !== candidate) continue;
        if (!path || (cookie.path != null && pathMatch(path, cookie.path))) results.push(cookie);
      }
    }
    return answer(callback, results);
  }

  override putCookie(cookie: Cookie): Promise<void>;
  override putCookie(cookie: Cookie, callback: ErrorCallback): void;
  override putCookie(cookie: Cookie, callback?: ErrorCallback): Promise<void> | undefined {
    const { domain, path, key } = cookie;
    if (domain != null && path != null && key != null) {
      cookie.domain = shared(domain);
      cookie.path = shared(path);
      cookie.key = shared(key);
      cookie.value = detached(cookie.value);
      shareDates(cookie);
      // A copy of exactly the right length: push() would reserve room for 16 more cookies per user.
      const index = this.#cookies.findIndex((held) => same(held, domain, path, key));
      const cookies = index === -1 ? this.#cookies.concat([cookie]) : this.#cookies.slice();
      if (index !== -1) cookies[index] = cookie;
      this.#cookies = cookies;
    }
    return done(callback);
  }

  override updateCookie(oldCookie: Cookie, newCookie: Cookie): Promise<void>;
  override updateCookie(oldCookie: Cookie, newCookie: Cookie, callback: ErrorCallback): void;
  override updateCookie(
    _oldCookie: Cookie,
    newCookie: Cookie,
    callback?: ErrorCallback,
  ): Promise<void> | undefined {
    if (callback === undefined) return this.putCookie(newCookie);
    this.putCookie(newCookie, callback);
    return undefined;
  }

  override removeCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
  ): Promise<void>;
  override removeCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
    callback: ErrorCallback,
  ): void;
  override removeCookie(
    domain: Nullable<string>,
    path: Nullable<string>,
    key: Nullable<string>,
    callback?: ErrorCallback,
  ): Promise<void> | undefined {
    this.#cookies = this.#cookies.filter((cookie) => !same(cookie, domain, path, key));
    return done(callback);
  }

  override removeCookies(domain: string, path: Nullable<string>): Promise<void>;
  override removeCookies(domain: string, path: Nullable<string>, callback: ErrorCallback): void;
  override removeCookies(
    domain: string,
    path: Nullable<string>,
    callback?: ErrorCallback,
  ): Promise<void> | undefined {
    this.#cookies = this.#cookies.filter(
      (cookie) => cookie.domain !== domain || (!!path && cookie.path !== path),
    );
    return done(callback);
  }

  override removeAllCookies(): Promise<void>;
  override removeAllCookies(callback: ErrorCallback): void;
  override removeAllCookies(callback?: ErrorCallback): Promise<void> | undefined {
    this.#cookies = [];
    return done(callback);
  }

  override getAllCookies(): Promise<Cookie[]>;
  override getAllCookies(callback: Callback<Cookie[]>): void;
  override getAllCookies(callback?: Callback<Cookie[]>): Promise<Cookie[]> | undefined {
    const all = [...this.#cookies].sort((a, b) => (a.creationIndex || 0) - (b.creationIndex || 0));
    return answer(callback, all);
  }
}

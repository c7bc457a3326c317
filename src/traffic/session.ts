import { Cookie, CookieJar, cookieCompare } from 'tough-cookie';
import { SmallCookieStore, shareDates } from './cookie-store.js';

/**
 * What a virtual user holds between requests: its cookie jar (created on the first Set-Cookie, so users
 * that never get a cookie cost nothing) or bearer token, and whether a successful login gave it the session.
 */
export interface Session {
  jar: CookieJar | undefined;
  token: string | undefined;
  loggedIn: boolean;
  /** On the run's clock; undefined when the session does not expire. */
  expiresAt: number | undefined;
  /** When the login that gave the session started (run's clock): the server's absolute lifetime counts from it. */
  loggedInAt: number | undefined;
  /** When the last request the server answered as this user started: its idle lifetime counts from it. */
  lastUsedAt: number | undefined;
  /** The names of the cookies the login set: the server clearing one of them ends the session. */
  sessionCookies: readonly string[];
  /** The server cleared the session cookie since the last login; the VU holds no session until it logs in. */
  sessionCleared: boolean;
  /**
   * The last Cookie header built, for one URL, valid until a cookie in it expires (wall clock) or the jar
   * changes: asking the jar on every request costs more CPU and garbage than the request itself.
   */
  cookieCache: { url: string; header: string; validUntil: number } | undefined;
}

export function emptySession(): Session {
  return {
    jar: undefined,
    token: undefined,
    loggedIn: false,
    expiresAt: undefined,
    loggedInAt: undefined,
    lastUsedAt: undefined,
    sessionCookies: none,
    sessionCleared: false,
    cookieCache: undefined,
  };
}

/** The server's session lifetimes the profile states (auth.session), in ms. */
export interface ServerLifetimes {
  idleTimeout?: number | undefined;
  absoluteTimeout?: number | undefined;
}

/**
 * When the session ends on the run's clock: the earliest of the credential's own expiry (cookie, JWT) and the
 * server's idle and absolute lifetimes; undefined when none applies.
 */
export function sessionExpiry(session: Session, lifetimes: ServerLifetimes): number | undefined {
  let earliest = session.expiresAt;
  const earlier = (at: number | undefined, lifetime: number | undefined): void => {
    if (at === undefined || lifetime === undefined) return;
    earliest = Math.min(earliest ?? Number.POSITIVE_INFINITY, at + lifetime);
  };
  earlier(session.loggedInAt, lifetimes.absoluteTimeout);
  earlier(session.lastUsedAt, lifetimes.idleTimeout);
  return earliest;
}

/** Whether a response's Set-Cookie expires (Max-Age<=0, or Expires in the past) one of these cookies. */
export function clearsCookie(
  header: string | string[] | undefined,
  names: readonly string[],
  wallNow: number,
): boolean {
  if (header === undefined || names.length === 0) return false;
  for (const value of setCookieValues(header)) {
    const cookie = Cookie.parse(value);
    if (cookie === undefined || !names.includes(cookie.key)) continue;
    const expiry = cookie.expiryTime();
    if (expiry !== undefined && expiry <= wallNow) return true;
  }
  return false;
}

// Most responses set no cookie: they all share one empty answer instead of allocating their own.
const none: readonly never[] = Object.freeze([]);

export function setCookieValues(header: string | string[] | undefined): readonly string[] {
  if (header === undefined) return none;
  return Array.isArray(header) ? header : [header];
}

/** Stores every Set-Cookie of a response in the session's jar; returns the cookies it accepted. */
export function storeCookies(
  session: Session,
  header: string | string[] | undefined,
  url: string,
): readonly Cookie[] {
  const values = setCookieValues(header);
  if (values.length === 0) return none;
  session.jar ??= new CookieJar(new SmallCookieStore());
  session.cookieCache = undefined;
  const stored: Cookie[] = [];
  for (const value of values) {
    const cookie = session.jar.setCookieSync(value, url, { ignoreError: true });
    if (cookie !== undefined) stored.push(cookie);
  }
  return stored;
}

export function cookieHeader(session: Session, url: string, wallNow: number): string {
  if (session.jar === undefined) return '';
  const cached = session.cookieCache;
  if (cached !== undefined && cached.url === url && wallNow < cached.validUntil) return cached.header;
  const cookies = session.jar.getCookiesSync(url).sort(cookieCompare);
  // Asking the jar stamped each cookie with a new last-access Date.
  for (const cookie of cookies) shareDates(cookie);
  const header = cookies.map((cookie) => cookie.cookieString()).join('; ');
  session.cookieCache = { url, header, validUntil: cookiesExpiry(cookies) ?? Number.POSITIVE_INFINITY };
  return header;
}

export function cookieValue(session: Session, url: string, name: string): string | undefined {
  return session.jar?.getCookiesSync(url).find((cookie) => cookie.key === name)?.value;
}

/** The value of the named cookie in a response's Set-Cookie header(s), if it sets it. */
export function setCookieValue(header: string | string[] | undefined, name: string): string | undefined {
  for (const value of setCookieValues(header)) {
    const cookie = Cookie.parse(value);
    if (cookie?.key === name) return cookie.value;
  }
  return undefined;
}

/** Wall-clock expiry (ms since the epoch) of a JWT's `exp` claim; undefined when it has none. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The earliest wall-clock expiry among the cookies a login set; undefined when all are session cookies. */
export function cookiesExpiry(cookies: readonly Cookie[]): number | undefined {
  let earliest: number | undefined;
  for (const cookie of cookies) {
    const expiry = cookie.expiryTime();
    if (expiry !== undefined && Number.isFinite(expiry)) earliest = Math.min(earliest ?? expiry, expiry);
  }
  return earliest;
}

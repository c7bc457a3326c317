import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { vuOfRequestId } from '../../src/lab-contract/request-ids.js';
import type { RecordSink } from '../../src/traffic/sink.js';
import { readBody, readCookie } from '../../src/util/incoming.js';

/** What the server saw for one request: its ground truth, to compare with the engine's records. */
interface SeenRequest {
  method: string;
  path: string;
  requestId: string | undefined;
  /** The VU the request id names. */
  vu: string | undefined;
  headerNames: string[];
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  status: number;
  backend: string;
  user: string | undefined;
}

export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  /** Drops every session, as a restarted backend with memory sessions would. */
  forgetSessions(): void;
  connections: number;
  close(): Promise<void>;
}

export interface ScriptOptions {
  backend?: string;
  password?: string;
  /** Require the CSRF token from GET /login-page as field `csrf` (and its cookie). */
  csrf?: boolean;
  /** Max-Age of the session cookie, in seconds. */
  sessionMaxAge?: number;
  /** Answer logins with this status instead of checking anything. */
  loginStatus?: number;
  /** Only the first N logins may succeed; later ones get 401 (the probe logs in, the users do not). */
  acceptLogins?: number;
  /** A rejected login's body repeats the password it was sent (to check that messages redact it). */
  echoPassword?: boolean;
  /** A wrong password answers this status with an HTML login page (a framework's form login), not 401. */
  failedLoginPage?: number;
  /** A successful login answers 302 to this path instead of 200 JSON. */
  loginRedirect?: string;
  /** /me without a session answers 302 to this Location instead of 401 (`/signin?next=%2Fme`). */
  loggedOutRedirect?: string;
  /** /me without a session answers 200 with a login form (and a CSRF field). */
  loggedOutPage?: boolean;
  /** Send no x-backend-id header; `cookie` sets a SERVERID cookie instead. */
  backendSign?: 'header' | 'none' | 'cookie';
  /** On a request whose session is unknown, clear the session cookie (Max-Age=0). */
  clearCookieOnMiss?: boolean;
  /** Sessions end after this long unused (server-side idle lifetime). */
  idleTimeoutMs?: number;
  /** Only the first N /me requests with a session are answered; later ones never are (a backend that hangs). */
  answerMe?: number;
  /** How long a correct login takes to be answered, by user name (a slow login page). */
  loginDelayMs?: (username: string) => number;
}

function parseFields(request: IncomingMessage, text: string): Record<string, string> {
  if ((request.headers['content-type'] ?? '').includes('json'))
    return JSON.parse(text) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

/** A scripted server that is closed when the test that started it ends (call it inside a test). */
export async function testServer(options: ScriptOptions = {}): Promise<ScriptedServer> {
  const server = await startScriptedServer(options);
  onTestFinished(() => server.close());
  return server;
}

/** A record sink that makes `server` forget every session it holds once the run has had `answers` answers. */
export function forgetSessionsAfter(server: ScriptedServer, answers: number): RecordSink {
  let responses = 0;
  return {
    onLogin: () => undefined,
    onResponse: () => {
      responses += 1;
      if (responses === answers) server.forgetSessions();
    },
  };
}

/**
 * A small backend with scripted behaviour (like autocannon's test helper): logins, cookie and bearer
 * sessions, a CSRF page, and misbehaving paths (/stall, /reset, /garbage, /huge, /slow-body).
 */
export async function startScriptedServer(options: ScriptOptions = {}): Promise<ScriptedServer> {
  const backend = options.backend ?? 'b1';
  const password = options.password ?? 'secret';
  let sessions = new Map<string, string>();
  const lastUsed = new Map<string, number>();
  const csrfTokens = new Set<string>();
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let logins = 0;
  let answeredMe = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://x');
    const text = (await readBody(request, Number.POSITIVE_INFINITY)).toString('utf8');
    let user: string | undefined;
    const send = (status: number, body: string, headers: Record<string, string | string[]> = {}): void => {
      seen.push({
        method: request.method ?? '',
        path: url.pathname,
        requestId: request.headers['x-request-id'] as string | undefined,
        vu: vuOfRequestId(request.headers['x-request-id'] as string | undefined) ?? undefined,
        headerNames: Object.keys(request.headers),
        remoteAddress: request.socket.remoteAddress,
        remotePort: request.socket.remotePort,
        status,
        backend,
        user,
      });
      const sign: Record<string, string> =
        options.backendSign === 'none'
          ? {}
          : options.backendSign === 'cookie'
            ? { 'set-cookie': `SERVERID=${backend}; Path=/` }
            : { 'x-backend-id': backend };
      response.writeHead(status, { ...sign, 'content-type': 'application/json', ...headers });
      response.end(body);
    };
    const sessionUser = (): string | undefined => {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const id = bearer ?? readCookie(request.headers.cookie, 'sid');
      if (id === undefined) return undefined;
      const last = lastUsed.get(id);
      if (
        options.idleTimeoutMs !== undefined &&
        last !== undefined &&
        Date.now() - last > options.idleTimeoutMs
      ) {
        sessions.delete(id);
      }
      if (sessions.has(id)) lastUsed.set(id, Date.now());
      return sessions.get(id);
    };
    const loggedOut = (): void => {
      const clear: Record<string, string> =
        options.clearCookieOnMiss && readCookie(request.headers.cookie, 'sid') !== undefined
          ? { 'set-cookie': 'sid=; Path=/; Max-Age=0' }
          : {};
      if (options.loggedOutRedirect !== undefined) {
        send(302, '', { location: options.loggedOutRedirect, ...clear });
        return;
      }
      if (options.loggedOutPage) {
        send(
          200,
          '<html><title>Sign in</title><form><input type="hidden" name="csrf" value="abc"><input type="password" name="password"></form></html>',
          { 'content-type': 'text/html', ...clear },
        );
        return;
      }
      send(401, '{"error":"not logged in"}', clear);
    };
    switch (url.pathname) {
      case '/':
        return send(200, '{"hello":true}');
      case '/login-page': {
        const token = randomBytes(8).toString('hex');
        csrfTokens.add(token);
        response.setHeader('content-type', 'text/html');
        return send(200, `<form><input type="hidden" name="csrf" value="${token}"></form>`, {
          'set-cookie': `csrftoken=${token}; Path=/`,
          'content-type': 'text/html',
        });
      }
      case '/login': {
        if (options.loginStatus !== undefined) return send(options.loginStatus, '{"error":"nope"}');
        logins += 1;
        if (options.acceptLogins !== undefined && logins > options.acceptLogins) {
          return send(401, '{"error":"no more logins"}');
        }
        const fields = parseFields(request, text);
        if (
          options.csrf &&
          (fields.csrf === undefined ||
            !csrfTokens.has(fields.csrf) ||
            readCookie(request.headers.cookie, 'csrftoken') !== fields.csrf)
        ) {
          return send(403, '{"error":"csrf"}');
        }
        if (fields.password !== password || fields.username === undefined) {
          if (options.failedLoginPage !== undefined) {
            return send(
              options.failedLoginPage,
              '<html><head><title>Log in | Admin</title></head><body><p class="errornote">Please enter the correct username and password.</p><form><input type="hidden" name="csrfmiddlewaretoken" value="t0k3n"></form></body></html>',
              { 'content-type': 'text/html' },
            );
          }
          const echoed = options.echoPassword ? ` with ${fields.password}` : '';
          return send(401, `{"error":"bad credentials for ${fields.username}${echoed}"}`);
        }
        const delay = options.loginDelayMs?.(fields.username) ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
        user = fields.username;
        const sid = randomBytes(8).toString('hex');
        sessions.set(sid, user);
        lastUsed.set(sid, Date.now());
        const maxAge = options.sessionMaxAge === undefined ? '' : `; Max-Age=${options.sessionMaxAge}`;
        const cookie = `sid=${sid}; Path=/; HttpOnly${maxAge}`;
        if (options.loginRedirect !== undefined) {
          return send(302, '', { 'set-cookie': cookie, location: options.loginRedirect });
        }
        return send(200, JSON.stringify({ token: sid, user }), {
          'set-cookie': cookie,
          authorization: `Bearer ${sid}`,
        });
      }
      case '/me': {
        user = sessionUser();
        if (user === undefined) return loggedOut();
        answeredMe += 1;
        if (options.answerMe !== undefined && answeredMe > options.answerMe) return;
        return send(200, JSON.stringify({ user, backend }), { 'x-user': user });
      }
      case '/slow':
        await new Promise((resolve) => setTimeout(resolve, 100));
        user = sessionUser();
        return send(200, '{"slow":true}');
      case '/stall':
        return; // never answers
      case '/reset':
        request.socket.destroy();
        return;
      case '/garbage':
        request.socket.end('this is not HTTP at all\r\n\r\n');
        return;
      case '/huge':
        return send(200, 'x'.repeat(1_000_000));
      default:
        return send(404, '{"error":"not found"}');
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: ScriptedServer = {
    url: `http://127.0.0.1:${port}`,
    seen,
    forgetSessions: () => {
      sessions = new Map();
    },
    get connections() {
      return connections;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  } as ScriptedServer;
  return result;
}

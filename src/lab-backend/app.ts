import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BackendConfig } from '../lab-contract/backend-config.js';
import type { BackendStats, GroundTruthLine } from '../lab-contract/backend-records.js';
import { vuOfRequestId } from '../lab-contract/request-ids.js';
import { readBody, readCookie } from '../util/incoming.js';
import type { JwtSessions } from './jwt.js';
import type { GroundTruthLog } from './log.js';
import { RedisSessionStore } from './redis-store.js';
import { ReplicatedSessionStore, type ReplicationMessage, replicationPath } from './replicated-store.js';
import type { SessionStore } from './store.js';

/** Who a request's credential says it is: `found` null when it carried none. */
interface Identity {
  found: boolean | null;
  user: string | undefined;
  sid: string | undefined;
}

/** The state behind the cookie modes, or the token issuer in jwt mode. */
export type Sessions = { kind: 'cookie'; store: SessionStore } | { kind: 'jwt'; jwt: JwtSessions };

export interface BackendDeps {
  sessions: Sessions;
  log: GroundTruthLog;
  /** 0 <= x < 1; seeded in production so a fault run can be repeated. */
  random: () => number;
  now: () => number;
}

type RequestFacts = Pick<GroundTruthLine, 'requestId' | 'vuId' | 'method' | 'path' | 'backend'>;

const maxBodyBytes = 16 * 1024;

export function createBackendServer(config: BackendConfig, deps: BackendDeps): Server {
  let requests = 0;

  const identify = async (req: IncomingMessage): Promise<Identity> => {
    if (deps.sessions.kind === 'jwt') {
      const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!match?.[1]) return { found: null, user: undefined, sid: undefined };
      const user = await deps.sessions.jwt.verify(match[1]);
      return { found: user !== undefined, user, sid: undefined };
    }
    const sid = readCookie(req.headers.cookie, config.cookieName);
    if (sid === undefined) return { found: null, user: undefined, sid: undefined };
    const session = await deps.sessions.store.get(sid);
    return { found: session !== undefined, user: session?.user, sid };
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    base: RequestFacts,
  ): Promise<Omit<GroundTruthLine, 'time'>> => {
    const route = `${base.method} ${base.path}`;
    // /stats counts what clients asked for; health checks and replication would drown it.
    if (
      !['GET /healthz', 'GET /stats', `POST ${replicationPath}`, `GET ${replicationPath}`].includes(route)
    ) {
      requests++;
    }

    switch (route) {
      case 'GET /healthz':
        send(res, 200, { status: 'ok', backend: config.name });
        return { ...base, status: 200, sessionFound: null, user: null };

      case 'GET /stats':
        send(res, 200, await backendStats(config, deps.sessions, requests));
        return { ...base, status: 200, sessionFound: null, user: null };

      case `GET ${replicationPath}`: {
        if (!(deps.sessions.kind === 'cookie' && deps.sessions.store instanceof ReplicatedSessionStore)) {
          send(res, 404, { error: 'not found' });
          return { ...base, status: 404, sessionFound: null, user: null };
        }
        sendJson(res, 200, await deps.sessions.store.snapshot());
        return { ...base, status: 200, sessionFound: null, user: null };
      }

      case `POST ${replicationPath}`: {
        if (!(deps.sessions.kind === 'cookie' && deps.sessions.store instanceof ReplicatedSessionStore)) {
          send(res, 404, { error: 'not found' });
          return { ...base, status: 404, sessionFound: null, user: null };
        }
        const body = await readText(req);
        await deps.sessions.store.apply(parseReplication(body), Buffer.byteLength(body));
        send(res, 204);
        return { ...base, status: 204, sessionFound: null, user: null };
      }

      case 'POST /login': {
        const identity = await identify(req);
        const form = parseLoginBody(req.headers['content-type'], await readText(req));
        const user = checkCredentials(config, form);
        if (user === undefined) {
          send(res, 401, { error: 'invalid credentials' });
          return { ...base, status: 401, sessionFound: identity.found, user: null };
        }
        const expiresAt = deps.now() + config.sessionTtlSeconds * 1000;
        if (deps.sessions.kind === 'jwt') {
          const token = await deps.sessions.jwt.issue(user);
          send(res, 200, { token, user, backend: config.name });
        } else {
          if (identity.sid !== undefined) await deps.sessions.store.delete(identity.sid);
          const sid = randomBytes(18).toString('base64url');
          await deps.sessions.store.set(sid, { user, expiresAt });
          res.setHeader(
            'set-cookie',
            `${config.cookieName}=${sid}; Path=/; Max-Age=${config.sessionTtlSeconds}; HttpOnly; SameSite=Lax`,
          );
          send(res, 200, { user, backend: config.name });
        }
        return { ...base, status: 200, sessionFound: identity.found, user };
      }

      case 'GET /me': {
        const identity = await identify(req);
        if (identity.user === undefined) {
          sendLoggedOut(res, config.loggedOut);
          return { ...base, status: config.loggedOut, sessionFound: identity.found, user: null };
        }
        if (config.wrongUserRate > 0 && deps.random() < config.wrongUserRate) {
          const other = otherUser(identity.user, config.users);
          res.setHeader('x-user', other);
          send(res, 200, { user: other, backend: config.name });
          return { ...base, status: 200, sessionFound: true, user: other, faultInjected: true };
        }
        res.setHeader('x-user', identity.user);
        send(res, 200, { user: identity.user, backend: config.name });
        return { ...base, status: 200, sessionFound: true, user: identity.user };
      }

      case 'POST /logout': {
        const identity = await identify(req);
        if (deps.sessions.kind === 'cookie') {
          if (identity.sid !== undefined) await deps.sessions.store.delete(identity.sid);
          res.setHeader('set-cookie', `${config.cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
        }
        send(res, 200, { ok: true });
        return { ...base, status: 200, sessionFound: identity.found, user: null };
      }

      default:
        send(res, 404, { error: 'not found' });
        return { ...base, status: 404, sessionFound: null, user: null };
    }
  };

  const server = createServer((req, res) => {
    res.setHeader('x-backend-id', config.name);
    const requestId = headerText(req.headers['x-request-id']);
    const base: RequestFacts = {
      requestId,
      vuId: vuOfRequestId(requestId),
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', 'http://lab').pathname,
      backend: config.name,
    };
    handle(req, res, base)
      .catch((error: unknown) => {
        const status = error instanceof BadRequest ? 400 : 500;
        if (!res.headersSent)
          send(res, status, { error: error instanceof Error ? error.message : String(error) });
        return { ...base, status, sessionFound: null, user: null };
      })
      .then((line) => {
        deps.log.write({ time: new Date(deps.now()).toISOString(), ...line });
        res.end();
      });
  });
  // Longer than any balancer's idle timeout, so a balancer never reuses a connection the backend just closed.
  server.keepAliveTimeout = 65_000;
  return server;
}

async function backendStats(
  config: BackendConfig,
  sessions: Sessions,
  requests: number,
): Promise<BackendStats> {
  const store = sessions.kind === 'cookie' ? sessions.store : undefined;
  const held = (await store?.held()) ?? { sessions: 0, bytes: 0 };
  return {
    backend: config.name,
    requests,
    sessions: held.sessions,
    sessionBytes: held.bytes,
    replication: store instanceof ReplicatedSessionStore ? store.traffic() : null,
    storeSessions: store instanceof RedisSessionStore ? await store.storeSessions() : null,
  };
}

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.statusCode = status;
  if (body === undefined) {
    res.setHeader('content-length', 0);
    return;
  }
  sendJson(res, status, JSON.stringify(body));
}

function sendJson(res: ServerResponse, status: number, json: string): void {
  res.statusCode = status;
  const text = Buffer.from(json);
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', text.length);
  res.write(text);
}

function sendLoggedOut(res: ServerResponse, style: 401 | 302): void {
  if (style === 302) {
    res.setHeader('location', '/login');
    send(res, 302);
  } else {
    send(res, 401, { error: 'not logged in' });
  }
}

function headerText(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

async function readText(req: IncomingMessage): Promise<string> {
  const body = await readBody(req, maxBodyBytes, () => new BadRequest('body too large'));
  return body.toString('utf8');
}

export function parseLoginBody(contentType: string | undefined, body: string): Record<string, unknown> {
  if (/^application\/json\b/i.test(contentType ?? '')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === 'object' && parsed !== null) return parsed as Record<string, unknown>;
    } catch {}
    throw new BadRequest('body is not a JSON object');
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function parseReplication(body: string): ReplicationMessage {
  let message: Partial<ReplicationMessage> = {};
  try {
    message = JSON.parse(body) as Partial<ReplicationMessage>;
  } catch {}
  const { sid, session } = message;
  const sessionOk =
    session === null || (typeof session?.user === 'string' && typeof session.expiresAt === 'number');
  if (typeof sid !== 'string' || !sessionOk) throw new BadRequest('not a replication message');
  return { sid, session: session ?? null };
}

function checkCredentials(config: BackendConfig, form: Record<string, unknown>): string | undefined {
  const { username, password } = form;
  if (typeof username !== 'string' || password !== config.password) return undefined;
  const match = /^user([1-9]\d*)$/.exec(username);
  return match && Number(match[1]) <= config.users ? username : undefined;
}

function otherUser(user: string, users: number): string {
  const index = Number(user.slice('user'.length));
  return users === 1 ? 'intruder' : `user${(index % users) + 1}`;
}

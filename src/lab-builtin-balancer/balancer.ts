import { createHash } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { BuiltinBalancerConfig } from '../lab-contract/builtin-balancer-config.js';
import { readBody, readCookie } from '../util/incoming.js';

type UpstreamServer = BuiltinBalancerConfig['servers'][number];

export interface BuiltinBalancer {
  server: Server;
  /** A scale event: routes by this list from the next request on. */
  setServers(servers: readonly UpstreamServer[]): void;
}

/**
 * The server a client address hashes to: the highest hash of address and server name (rendezvous hashing).
 * Consistent, as HAProxy's `hash-type consistent`: a server added takes about 1/(N+1) of the addresses and
 * moves no other; a server removed moves only its own.
 */
function rendezvous(address: string, servers: readonly UpstreamServer[]): UpstreamServer[] {
  return servers
    .map((server) => ({
      server,
      score: createHash('sha1').update(`${address}\0${server.name}`).digest().readUInt32BE(0),
    }))
    .sort((a, b) => b.score - a.score)
    .map(({ server }) => server);
}

/** A server that refused a connection sits out this long, as HAProxy's checks would take it out. */
const downForMs = 1000;
const maxBodyBytes = 1024 * 1024;

/**
 * A small HTTP balancer for machines without HAProxy or nginx: round robin, cookie insert (the config names it:
 * HAProxy's, so the same classify rules read it) or a hash of the client address, with one retry on another
 * server when a connection is refused (HAProxy's `retries 1` + `option redispatch`). Not a production proxy:
 * no active health checks, bodies up to 1 MiB, HTTP/1.1 to the backends with keep-alive.
 */
export function createBuiltinBalancer(config: BuiltinBalancerConfig): BuiltinBalancer {
  const { mode, pinCookie } = config;
  const active = (list: readonly UpstreamServer[]): UpstreamServer[] => list.filter((s) => !s.removed);
  let servers = active(config.servers);
  // 10,000 users on connections of their own: 256 sockets per backend left their requests queued here past
  // the users' timeouts (ETIMEDOUT in the 10,000-VU test).
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const downUntil = new Map<string, number>();
  let next = 0;

  const isUp = (server: UpstreamServer): boolean => (downUntil.get(server.name) ?? 0) <= Date.now();
  const rotate = (): UpstreamServer | undefined => {
    for (let tried = 0; tried < servers.length; tried++) {
      const server = servers[next++ % servers.length];
      if (server !== undefined && isUp(server)) return server;
    }
    return servers[next++ % servers.length];
  };
  const pick = (req: IncomingMessage): { server: UpstreamServer | undefined; pin: boolean } => {
    if (mode === 'cookie') {
      const name = readCookie(req.headers.cookie, pinCookie);
      const pinned = servers.find((server) => server.name === name);
      if (pinned !== undefined && isUp(pinned)) return { server: pinned, pin: false };
      return { server: rotate(), pin: true };
    }
    if (mode === 'source') {
      const ranked = rendezvous(req.socket.remoteAddress ?? '', servers);
      return { server: ranked.find(isUp) ?? ranked[0], pin: false };
    }
    return { server: rotate(), pin: false };
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    server: UpstreamServer,
    pin: boolean,
    res: ServerResponse,
    retry: () => void,
  ): void => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent,
        timeout: 30_000,
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (pin) {
          const existing = headers['set-cookie'] ?? [];
          headers['set-cookie'] = [...existing, `${pinCookie}=${server.name}; path=/`];
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Refused: the server is down. Reset before any answer: a kept-alive socket to a server that just went.
      if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') {
        if (error.code === 'ECONNREFUSED') downUntil.set(server.name, Date.now() + downForMs);
        retry();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway\n');
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    readBody(req, maxBodyBytes)
      .then((body) => {
        const first = pick(req);
        if (first.server === undefined) {
          res.writeHead(503).end();
          return;
        }
        forward(req, body, first.server, first.pin, res, () => {
          // One retry, on another server; a pin cookie then names the server that answered.
          const second = mode === 'source' ? pick(req).server : rotate();
          if (second === undefined || second === first.server) {
            res.writeHead(503, { 'content-type': 'text/plain' }).end('no backend\n');
            return;
          }
          forward(req, body, second, mode === 'cookie', res, () => {
            res.writeHead(503, { 'content-type': 'text/plain' }).end('no backend\n');
          });
        });
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400).end();
      });
  });
  // Users logged in early wait for the rest before the traffic starts: their connections must outlive the
  // login phase of 10,000 users (Node's default closes an idle one after 5 s).
  server.keepAliveTimeout = 65_000;
  return {
    server,
    setServers: (list) => {
      servers = active(list);
    },
  };
}

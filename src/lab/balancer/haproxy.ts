import { haproxyPinCookie, type UpstreamServer } from './upstream.js';

export const haproxyKinds = ['haproxy-roundrobin', 'haproxy-cookie', 'haproxy-source'] as const;
export type HaproxyKind = (typeof haproxyKinds)[number];

export interface HaproxyConfigInput {
  kind: HaproxyKind;
  port: number;
  servers: readonly UpstreamServer[];
  /**
   * Names the lab may add later. HAProxy 2.6 takes no `cookie` on a server added at run time (`add server`),
   * so every such name is a slot declared here, disabled, that a scale out points at its backend and enables.
   */
  spare?: readonly string[];
  /** The runtime API's socket (admin level), through which scaling enables, drains and disables servers. */
  socketPath?: string;
}

/** The placeholder port of a slot not yet given a backend: never contacted while disabled. */
const slotPort = 1;

const balanceLines: Record<HaproxyKind, (pinCookie: string) => string[]> = {
  'haproxy-roundrobin': () => ['balance roundrobin'],
  'haproxy-cookie': (pinCookie) => ['balance roundrobin', `cookie ${pinCookie} insert indirect nocache`],
  'haproxy-source': () => ['balance source', 'hash-type consistent'],
};

/** What one lab's HAProxy is sized for: the 10,000 VUs the README promises, each on a connection of its own. */
const haproxyCapacity = { maxconn: 12_000, serverMaxconn: 256 } as const;

/**
 * Everything before the backend sections: global limits, defaults, and the frontend's bind (the caller adds
 * how the frontend picks a backend section).
 */
export function haproxyHead(port: number, socketPath?: string): string[] {
  return [
    'global',
    // 10,000 VUs with addresses of their own hold 10,000 client connections. HAProxy wants two files per
    // connection and refuses to start when the hard limit is lower (20,000 in many containers); the servers'
    // maxconn bounds the upstream side instead (requests beyond it queue, and 10,000 connects at once would
    // overflow a backend's listen backlog into connect timeouts), so no strict-limits lets it run.
    `  maxconn ${haproxyCapacity.maxconn}`,
    '  no strict-limits',
    ...(socketPath === undefined ? [] : [`  stats socket ${socketPath} mode 600 level admin`]),
    '',
    'defaults',
    '  mode http',
    // A frontend's own default is lower than the global one.
    `  maxconn ${haproxyCapacity.maxconn}`,
    '  timeout queue 30s',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 60s',
    '  timeout check 1s',
    '  retries 1',
    '  option redispatch',
    '',
    'frontend lab',
    `  bind 127.0.0.1:${port}`,
  ];
}

/**
 * One backend section balancing `servers` as `kind` says; `pinCookie` names the cookie `haproxy-cookie`
 * inserts (one per section where several share a frontend, so that each pins on its own). Checks are fast
 * (500 ms, down after 2 failures) so that a stopped backend leaves the rotation within about a second, as
 * chaos runs expect.
 */
export function haproxyBackend(
  kind: HaproxyKind,
  name: string,
  servers: readonly UpstreamServer[],
  pinCookie = haproxyPinCookie,
  extra: readonly string[] = [],
): string[] {
  const pin = kind === 'haproxy-cookie';
  return [
    `backend ${name}`,
    ...balanceLines[kind](pinCookie).map((line) => `  ${line}`),
    ...extra.map((line) => `  ${line}`),
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    `  default-server inter 500ms fastinter 250ms downinter 500ms rise 1 fall 2 maxconn ${haproxyCapacity.serverMaxconn}`,
    ...servers.map(
      (server) =>
        `  server ${server.name} 127.0.0.1:${server.port} check${pin ? ` cookie ${server.name}` : ''}${server.removed ? ' disabled' : ''}`,
    ),
  ];
}

/** HAProxy 2.6 configuration for one lab: one frontend, one backend section. */
export function haproxyConfig(input: HaproxyConfigInput): string {
  return [
    ...haproxyHead(input.port, input.socketPath),
    '  default_backend app',
    '',
    ...haproxyBackend(input.kind, 'app', [
      ...input.servers,
      ...(input.spare ?? []).map((name) => ({ name, port: slotPort, removed: true })),
    ]),
    '',
  ].join('\n');
}

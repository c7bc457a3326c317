export const balancerKinds = [
  'haproxy-roundrobin',
  'haproxy-cookie',
  'haproxy-source',
  'nginx-iphash',
  'nginx-cookie-hash',
  // Node stand-ins (src/lab-builtin-balancer/) for machines without HAProxy or nginx.
  'builtin-roundrobin',
  'builtin-cookie',
  'builtin-source',
] as const;
export type BalancerKind = (typeof balancerKinds)[number];

/** A backend as a balancer sees it: every lab server listens on 127.0.0.1. */
export interface UpstreamServer {
  name: string;
  port: number;
}

/** The cookie HAProxy inserts in `haproxy-cookie` mode to pin a client to a server. */
export const haproxyPinCookie = 'SERVERID';

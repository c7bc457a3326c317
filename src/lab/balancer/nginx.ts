import type { UpstreamServer } from './upstream.js';

export const nginxKinds = ['nginx-iphash', 'nginx-cookie-hash'] as const;
export type NginxKind = (typeof nginxKinds)[number];

export interface NginxConfigInput {
  kind: NginxKind;
  port: number;
  servers: readonly UpstreamServer[];
  /** The lab's directory for nginx's pid, lock, temp and log files, so nothing lands in /var. */
  dir: string;
  /** The cookie `nginx-cookie-hash` hashes on: the backends' session cookie. */
  cookieName: string;
  /** nginx as root drops workers to `nobody` unless told otherwise; they could not read the lab directory. */
  runAsRoot: boolean;
}

/** What one lab's nginx is sized for: the 10,000 VUs the README promises, each on a connection of its own. */
export const nginxCapacity = {
  workers: 2,
  connectionsPerWorker: 24_576,
  filesPerWorker: 50_000,
  idleUpstreamPerWorker: 4_096,
  backlog: 4_096,
} as const;

/** An upstream block balancing `servers` as `kind` says, with idle connections kept for reuse. */
export function nginxUpstream(
  kind: NginxKind,
  name: string,
  servers: readonly UpstreamServer[],
  cookieName: string,
): string[] {
  const method = kind === 'nginx-iphash' ? 'ip_hash;' : `hash $cookie_${cookieName} consistent;`;
  return [
    `  upstream ${name} {`,
    `    ${method}`,
    // A scaled-in server stays, marked down: removing its line would move ip_hash clients of other servers.
    ...servers.map(
      (server) =>
        `    server 127.0.0.1:${server.port} max_fails=1 fail_timeout=2s${server.removed ? ' down' : ''};`,
    ),
    // Idle upstream connections kept per worker: enough that none is closed and reopened under load (each
    // reopened one leaves a TIME_WAIT port behind, and 28,000 of them exhaust the loopback's ports).
    `    keepalive ${nginxCapacity.idleUpstreamPerWorker};`,
    '    keepalive_requests 1000000;',
    '  }',
  ];
}

/** What every proxied location sets: `proxy_pass` to `to` (a trailing `/` replaces the matched prefix). */
export function nginxProxy(to: string): string[] {
  return [
    `      proxy_pass ${to};`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    // Thousands of upstream connects at once overflow a backend's backlog; the kernel retries a dropped SYN
    // after 1 s, so 1 s would turn that into 502s. A stopped backend refuses at once either way.
    '      proxy_connect_timeout 3s;',
    '      add_header x-upstream $upstream_addr always;',
  ];
}

/**
 * nginx 1.22 configuration around the given upstream blocks and `server` block body, run in the foreground
 * (`daemon off`) so the lab owns the master process.
 */
export function nginxMain(
  input: Pick<NginxConfigInput, 'port' | 'dir' | 'runAsRoot'>,
  upstreams: readonly string[],
  locations: readonly string[],
): string {
  const d = input.dir;
  return [
    'daemon off;',
    // 10,000 VUs with addresses of their own are 10,000 client connections plus as many upstream ones, split
    // over the workers; each worker may hold them all, within a file limit that allows it.
    `worker_processes ${nginxCapacity.workers};`,
    `worker_rlimit_nofile ${nginxCapacity.filesPerWorker};`,
    ...(input.runAsRoot ? ['user root;'] : []),
    `pid ${d}/nginx.pid;`,
    `lock_file ${d}/nginx.lock;`,
    `error_log ${d}/nginx-error.log warn;`,
    '',
    'events {',
    `  worker_connections ${nginxCapacity.connectionsPerWorker};`,
    '}',
    '',
    'http {',
    '  access_log off;',
    // A connection is not closed after 1,000 requests (the default), which a long run would reach.
    '  keepalive_requests 1000000;',
    `  client_body_temp_path ${d}/client_body;`,
    `  proxy_temp_path ${d}/proxy;`,
    `  fastcgi_temp_path ${d}/fastcgi;`,
    `  uwsgi_temp_path ${d}/uwsgi;`,
    `  scgi_temp_path ${d}/scgi;`,
    '',
    ...upstreams,
    '',
    '  server {',
    `    listen 127.0.0.1:${input.port} backlog=${nginxCapacity.backlog};`,
    ...locations,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * nginx 1.22 configuration for one lab. OSS nginx has no active health checks: a dead backend is skipped
 * after one failed attempt.
 */
export function nginxConfig(input: NginxConfigInput): string {
  return nginxMain(input, nginxUpstream(input.kind, 'app', input.servers, input.cookieName), [
    '    location / {',
    ...nginxProxy('http://app'),
    '    }',
  ]);
}

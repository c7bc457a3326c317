import type { BalancerKind, UpstreamServer } from './kinds.js';

export type NginxKind = Extract<BalancerKind, `nginx-${string}`>;

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

/**
 * nginx 1.22 configuration for one lab, run in the foreground (`daemon off`) so the lab owns the master
 * process. OSS nginx has no active health checks: a dead backend is skipped after one failed attempt.
 */
export function nginxConfig(input: NginxConfigInput): string {
  const method = input.kind === 'nginx-iphash' ? 'ip_hash;' : `hash $cookie_${input.cookieName} consistent;`;
  const d = input.dir;
  return [
    'daemon off;',
    'worker_processes 1;',
    ...(input.runAsRoot ? ['user root;'] : []),
    `pid ${d}/nginx.pid;`,
    `lock_file ${d}/nginx.lock;`,
    `error_log ${d}/nginx-error.log warn;`,
    '',
    'events {',
    '  worker_connections 1024;',
    '}',
    '',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${d}/client_body;`,
    `  proxy_temp_path ${d}/proxy;`,
    `  fastcgi_temp_path ${d}/fastcgi;`,
    `  uwsgi_temp_path ${d}/uwsgi;`,
    `  scgi_temp_path ${d}/scgi;`,
    '',
    '  upstream app {',
    `    ${method}`,
    ...input.servers.map((server) => `    server 127.0.0.1:${server.port} max_fails=1 fail_timeout=2s;`),
    '    keepalive 32;',
    '  }',
    '',
    '  server {',
    `    listen 127.0.0.1:${input.port};`,
    '    location / {',
    '      proxy_pass http://app;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    '      proxy_connect_timeout 1s;',
    '      add_header x-upstream $upstream_addr always;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

import { describe, expect, it } from 'vitest';
import { haproxyConfig } from '../../src/lab/balancer/haproxy.js';
import { nginxConfig } from '../../src/lab/balancer/nginx.js';
import { configLines } from '../helpers/config-lines.js';

const servers = [
  { name: 'b1', port: 9001 },
  { name: 'b2', port: 9002 },
];

describe('haproxyConfig', () => {
  it('round robin: balance roundrobin, health checks on /healthz, one server line per backend', () => {
    const config = configLines(haproxyConfig({ kind: 'haproxy-roundrobin', port: 8080, servers }));
    expect(config).toEqual(
      expect.arrayContaining([
        'bind 127.0.0.1:8080',
        'balance roundrobin',
        'option httpchk GET /healthz',
        'default-server inter 500ms fastinter 250ms downinter 500ms rise 1 fall 2 maxconn 256',
      ]),
    );
    expect(config.filter((line) => line.startsWith('server '))).toEqual([
      'server b1 127.0.0.1:9001 check',
      'server b2 127.0.0.1:9002 check',
    ]);
    expect(config.some((line) => line.startsWith('cookie '))).toBe(false);
  });

  it('cookie: inserts SERVERID (indirect, nocache) and gives each server its name as cookie value', () => {
    const config = configLines(haproxyConfig({ kind: 'haproxy-cookie', port: 8080, servers }));
    expect(config).toContain('cookie SERVERID insert indirect nocache');
    expect(config).toContain('server b2 127.0.0.1:9002 check cookie b2');
  });

  it('is sized for 10,000 client connections, in the global section and the frontends', () => {
    const config = configLines(haproxyConfig({ kind: 'haproxy-roundrobin', port: 8080, servers }));
    expect(config.filter((line) => line === 'maxconn 12000')).toHaveLength(2);
    expect(config).toContain('no strict-limits');
    expect(config).toContain('timeout http-keep-alive 60s');
  });

  it('source: balance source with consistent hashing', () => {
    const config = configLines(haproxyConfig({ kind: 'haproxy-source', port: 8080, servers }));
    expect(config).toEqual(expect.arrayContaining(['balance source', 'hash-type consistent']));
    expect(config).not.toContain('balance roundrobin');
  });
});

describe('nginxConfig', () => {
  const base = { port: 8081, servers, dir: '/tmp/lab-x/balancer', cookieName: 'sid', runAsRoot: false };

  it('is sized for 10,000 client connections and as many upstream ones, within its file limit', () => {
    const config = configLines(nginxConfig({ ...base, kind: 'nginx-cookie-hash' }));
    const number = (prefix: string): number =>
      Number(
        config
          .find((line) => line.startsWith(prefix))
          ?.slice(prefix.length)
          .replace(';', ''),
      );
    const workers = number('worker_processes ');
    const perWorker = number('worker_connections ');
    expect(workers * perWorker).toBeGreaterThanOrEqual(2 * 10_000);
    // A busy worker may take more than its share of the connections: each can hold them all.
    expect(perWorker).toBeGreaterThanOrEqual(2 * 10_000);
    expect(number('worker_rlimit_nofile ')).toBeGreaterThan(perWorker);
    expect(config).toEqual(expect.arrayContaining(['keepalive 4096;', 'keepalive_requests 1000000;']));
  });

  it('ip_hash: foreground, every path in the lab dir, upstream address header always', () => {
    const config = configLines(nginxConfig({ ...base, kind: 'nginx-iphash' }));
    expect(config).toEqual(
      expect.arrayContaining([
        'daemon off;',
        'pid /tmp/lab-x/balancer/nginx.pid;',
        'error_log /tmp/lab-x/balancer/nginx-error.log warn;',
        'client_body_temp_path /tmp/lab-x/balancer/client_body;',
        'proxy_temp_path /tmp/lab-x/balancer/proxy;',
        'ip_hash;',
        'server 127.0.0.1:9001 max_fails=1 fail_timeout=2s;',
        'listen 127.0.0.1:8081 backlog=4096;',
        'add_header x-upstream $upstream_addr always;',
      ]),
    );
    expect(config).not.toContain('user root;');
  });

  it('cookie hash: consistent hash on the session cookie; user root only when run as root', () => {
    const config = configLines(
      nginxConfig({ ...base, kind: 'nginx-cookie-hash', cookieName: 'JSESSIONID', runAsRoot: true }),
    );
    expect(config).toContain('hash $cookie_JSESSIONID consistent;');
    expect(config).not.toContain('ip_hash;');
    expect(config).toContain('user root;');
  });
});

describe('scaling in the configs', () => {
  it('haproxy: a disabled slot for every name a scale out may add, and the runtime API socket', () => {
    const config = configLines(
      haproxyConfig({
        kind: 'haproxy-cookie',
        port: 8080,
        servers: [...servers, { name: 'b3', port: 9003, removed: true }],
        spare: ['b4', 'b5'],
        socketPath: '/tmp/lab-x/balancer/haproxy.sock',
      }),
    );
    expect(config).toContain('stats socket /tmp/lab-x/balancer/haproxy.sock mode 600 level admin');
    expect(config.filter((line) => line.startsWith('server '))).toEqual([
      'server b1 127.0.0.1:9001 check cookie b1',
      'server b2 127.0.0.1:9002 check cookie b2',
      'server b3 127.0.0.1:9003 check cookie b3 disabled',
      'server b4 127.0.0.1:1 check cookie b4 disabled',
      'server b5 127.0.0.1:1 check cookie b5 disabled',
    ]);
  });

  it('nginx: a scaled-in server stays in its place, marked down, so ip_hash keeps every other client', () => {
    const config = configLines(
      nginxConfig({
        kind: 'nginx-iphash',
        port: 8081,
        servers: [{ name: 'b1', port: 9001, removed: true }, ...servers.slice(1)],
        dir: '/tmp/lab-x/balancer',
        cookieName: 'sid',
        runAsRoot: false,
      }),
    );
    expect(config.filter((line) => line.startsWith('server 127.'))).toEqual([
      'server 127.0.0.1:9001 max_fails=1 fail_timeout=2s down;',
      'server 127.0.0.1:9002 max_fails=1 fail_timeout=2s;',
    ]);
  });
});

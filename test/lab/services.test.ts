import { describe, expect, it } from 'vitest';
import { backendConfigs } from '../../src/lab/backends.js';
import { haproxyGatewayConfig, nginxGatewayConfig } from '../../src/lab/balancer/gateway.js';
import { resolveLabOptions } from '../../src/lab/options.js';
import { configLines } from '../helpers/config-lines.js';

const routes = [
  {
    service: 'a',
    servers: [
      { name: 'a1', port: 9001 },
      { name: 'a2', port: 9002 },
    ],
  },
  { service: 'b', servers: [{ name: 'b1', port: 9003 }] },
];

describe('the services gateway', () => {
  it('HAProxy routes each prefix to its own section, strips it, pins per service, and 404s other paths', () => {
    const config = configLines(haproxyGatewayConfig({ kind: 'haproxy-cookie', port: 8080, routes }));
    expect(config).toContain('acl to_a path_beg /a/');
    expect(config).toContain('use_backend svc_b if to_b');
    expect(config).toContain('use_backend svc_a if health');
    expect(config.find((line) => line.startsWith('http-request return status 404'))).toMatch(
      /unless to_a \|\| to_b \|\| health$/,
    );
    expect(config).toContain('http-request set-path %[path,regsub(^/b/,/)]');
    expect(config).toContain('cookie SERVERID_a insert indirect nocache');
    expect(config).toContain('cookie SERVERID_b insert indirect nocache');
    expect(config).toContain('server a2 127.0.0.1:9002 check cookie a2');
    // Every ACL is declared before a rule uses it (HAProxy refuses the file otherwise).
    expect(config.indexOf('acl to_b path_beg /b/')).toBeLessThan(
      config.findIndex((line) => line.startsWith('http-request return')),
    );
  });

  it('nginx has a location per prefix whose proxy_pass URI replaces it, and 404s other paths', () => {
    const config = configLines(
      nginxGatewayConfig({
        kind: 'nginx-iphash',
        port: 8080,
        routes,
        dir: '/tmp/x',
        cookieName: 'sid',
        runAsRoot: false,
      }),
    );
    expect(config).toContain('upstream svc_a {');
    expect(config).toContain('location /b/ {');
    expect(config).toContain('proxy_pass http://svc_b/;');
    expect(config).toContain('location = /healthz {');
    expect(config).toContain('return 404;');
  });
});

describe('lab options for services', () => {
  const base = { balancer: 'haproxy-cookie', backends: 2, services: 2 } as const;

  it('memory is per service, jwt and Redis shared unless told; each bad combination is named', () => {
    expect(resolveLabOptions({ ...base, sessions: 'memory' }).sessionScope).toBe('per-service');
    expect(resolveLabOptions({ ...base, sessions: 'jwt' }).sessionScope).toBe('shared');
    expect(() => resolveLabOptions({ ...base, sessions: 'memory', sessionScope: 'shared' })).toThrow(
      /sessionScope: memory sessions live in each backend/,
    );
    expect(() => resolveLabOptions({ ...base, sessions: 'redis', sessionScope: 'per-service' })).toThrow(
      /sessionScope: the lab has one Redis/,
    );
    expect(() => resolveLabOptions({ ...base, balancer: 'builtin-cookie', sessions: 'jwt' })).toThrow(
      /balancer: builtin-cookie routes no paths/,
    );
    expect(() =>
      resolveLabOptions({ balancer: 'haproxy-cookie', sessions: 'jwt', sessionScope: 'shared' }),
    ).toThrow(/sessionScope: only with services 2 or more/);
  });

  it('names backends per service and gives JWT keys and replication peers within the scope', () => {
    const ports = [1, 2, 3, 4];
    const of = (options: Parameters<typeof resolveLabOptions>[0]) =>
      backendConfigs(resolveLabOptions(options), ports, '/tmp/logs', undefined);
    const shared = of({ ...base, sessions: 'jwt' });
    expect(shared.map((config) => [config.name, config.service])).toEqual([
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
      ['b2', 'b'],
    ]);
    expect(new Set(shared.map((config) => config.jwtSecret)).size).toBe(1);
    const own = of({ ...base, sessions: 'jwt', sessionScope: 'per-service' });
    expect(own[0]?.jwtSecret).toBe(own[1]?.jwtSecret);
    expect(own[2]?.jwtSecret).toBe(own[3]?.jwtSecret);
    expect(own[0]?.jwtSecret).not.toBe(own[2]?.jwtSecret);
    const replicated = of({ ...base, sessions: 'replicated', sessionScope: 'per-service' });
    expect(replicated[0]?.peers).toEqual(['http://127.0.0.1:2']);
    expect(of({ ...base, sessions: 'replicated' })[0]?.peers).toEqual([
      'http://127.0.0.1:2',
      'http://127.0.0.1:3',
      'http://127.0.0.1:4',
    ]);
  });

  it('leaves a lab of one application as it was: b1..bN, one secret', () => {
    const configs = backendConfigs(
      resolveLabOptions({ balancer: 'haproxy-roundrobin', sessions: 'jwt' }),
      [1, 2, 3],
      '/tmp/logs',
      undefined,
    );
    expect(configs.map((config) => config.name)).toEqual(['b1', 'b2', 'b3']);
    expect(configs.every((config) => config.service === undefined)).toBe(true);
  });
});

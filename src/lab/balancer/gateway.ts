import { type HaproxyKind, haproxyBackend, haproxyHead } from './haproxy.js';
import { type NginxConfigInput, type NginxKind, nginxMain, nginxProxy, nginxUpstream } from './nginx.js';
import { haproxyPinCookie, type UpstreamServer } from './upstream.js';

/**
 * One service behind the gateway: requests under `/<service>/` go to its own servers, with the prefix taken
 * off (the service answers `/me` for the gateway's `/a/me`), balanced within the service as the lab's kind says.
 */
export interface GatewayRoute {
  service: string;
  servers: readonly UpstreamServer[];
}

/** The path prefix a service is reached under: `/a/` for service `a`. */
export function servicePrefix(service: string): string {
  return `/${service}/`;
}

export interface HaproxyGatewayInput {
  kind: HaproxyKind;
  port: number;
  routes: readonly GatewayRoute[];
}

/**
 * HAProxy as an API gateway: an ACL per service prefix picks its backend section, which strips the prefix.
 * `/healthz` goes to the first service (the lab's readiness check passes through to a backend); any other path
 * is a 404 from the gateway itself, so a profile that forgets the prefix is told so rather than served by one
 * service. Each section pins with a cookie of its own, so stickiness in one service says nothing of another.
 */
export function haproxyGatewayConfig(input: HaproxyGatewayInput): string {
  const first = input.routes[0];
  const acls = input.routes.map(
    (route) => `  acl to_${route.service} path_beg ${servicePrefix(route.service)}`,
  );
  const uses = input.routes.map((route) => `  use_backend svc_${route.service} if to_${route.service}`);
  const known = [...input.routes.map((route) => `to_${route.service}`), 'health'].join(' || ');
  return [
    ...haproxyHead(input.port),
    '  acl health path /healthz',
    ...acls,
    `  http-request return status 404 content-type text/plain string "no service at this path" unless ${known}`,
    ...uses,
    ...(first === undefined ? [] : [`  use_backend svc_${first.service} if health`]),
    '',
    ...input.routes.flatMap((route) => [
      ...haproxyBackend(
        input.kind,
        `svc_${route.service}`,
        route.servers,
        `${haproxyPinCookie}_${route.service}`,
        [`http-request set-path %[path,regsub(^${servicePrefix(route.service)},/)]`],
      ),
      '',
    ]),
  ].join('\n');
}

export type NginxGatewayInput = Omit<NginxConfigInput, 'servers'> & {
  kind: NginxKind;
  routes: readonly GatewayRoute[];
};

/** nginx as an API gateway: a location per service prefix, whose `proxy_pass` URI replaces the prefix with `/`. */
export function nginxGatewayConfig(input: NginxGatewayInput): string {
  const first = input.routes[0];
  const upstreams = input.routes.flatMap((route) =>
    nginxUpstream(input.kind, `svc_${route.service}`, route.servers, input.cookieName),
  );
  const locations = [
    ...input.routes.flatMap((route) => [
      `    location ${servicePrefix(route.service)} {`,
      ...nginxProxy(`http://svc_${route.service}/`),
      '    }',
    ]),
    ...(first === undefined
      ? []
      : ['    location = /healthz {', ...nginxProxy(`http://svc_${first.service}`), '    }']),
    '    location / {',
    '      return 404;',
    '    }',
  ];
  return nginxMain(input, upstreams, locations);
}

/**
 * How to make each common balancer say which backend served an answer, as a header `classify.backend` can read:
 * the advice of a run whose answers named no backend.
 */
export const backendHeaderAdvice: readonly string[] = [
  'HAProxy:  http-response set-header X-Served-By %s   (in the backend section)',
  'nginx:    add_header X-Served-By $upstream_addr always;',
  'Caddy:    reverse_proxy { header_down X-Served-By {http.reverse_proxy.upstream.hostport} }',
  'Apache:   Header always set X-Served-By "%{BALANCER_WORKER_NAME}e"   (mod_proxy_balancer, mod_headers)',
  'Traefik:  no upstream variable: have each backend set it, or read the sticky cookie',
  '          (classify.backend: { from: cookie, name: <loadBalancer.sticky.cookie.name> })',
  'Envoy:    response_headers_to_add: [{ header: { key: x-served-by, value: "%UPSTREAM_HOST%" } }]',
  'or in the application: send its host name in X-Backend-Id on every answer.',
  'Preflight finds X-Served-By and X-Backend-Id by itself; another name needs',
  'classify.backend: { from: header, name: <its name> }.',
];

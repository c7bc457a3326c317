import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BalancerFamily } from '../family.js';
import { haproxyGatewayConfig } from '../gateway.js';
import { type HaproxyKind, haproxyConfig, haproxyKinds } from '../haproxy.js';
import { changeHaproxyServer } from '../haproxy-runtime.js';

const socketPath = (dir: string): string => join(dir, 'haproxy.sock');

/** HAProxy 2.6: servers change at run time through its runtime API, on slots the config declares. */
export const haproxyFamily = {
  name: 'haproxy',
  title: 'HAProxy 2.6',
  changesBy:
    "its runtime API (`stats socket <dir>/balancer/haproxy.sock`, admin level). 2.6 takes no `cookie` on a server added at run time, so the config declares a disabled slot for every name a scale out may add (b<N+1>..b16); a scale out sets the slot's address and enables it (done when its health check passes), a scale in drains it (up to 2 s), puts it in maintenance and cuts its connections",
  kinds: haproxyKinds,
  program: {
    name: 'haproxy',
    installHint: 'install HAProxy 2.6 (apt-get install -y haproxy), or run scripts/lab-setup.sh',
  },
  bundles: [],
  standIns: {
    'haproxy-roundrobin': 'builtin-roundrobin',
    'haproxy-cookie': 'builtin-cookie',
    'haproxy-source': 'builtin-source',
  },
  prepare: (input) => {
    const configPath = join(input.dir, 'haproxy.cfg');
    const { kind, port, routes } = input;
    writeFileSync(
      configPath,
      routes === undefined
        ? haproxyConfig({ ...input, socketPath: socketPath(input.dir) })
        : haproxyGatewayConfig({ kind, port, routes }),
    );
    // -db: stay in the foreground as one process the lab owns.
    return { configPath, args: ['-db', '-f', configPath] };
  },
  change: (_running, input, change) => changeHaproxyServer(socketPath(input.dir), change),
} as const satisfies BalancerFamily<HaproxyKind, 'builtin-roundrobin' | 'builtin-cookie' | 'builtin-source'>;

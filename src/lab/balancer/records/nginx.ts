import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProgram } from '../../components.js';
import type { BalancerConfigInput, BalancerFamily } from '../family.js';
import { nginxGatewayConfig } from '../gateway.js';
import { type NginxKind, nginxCapacity, nginxConfig, nginxKinds } from '../nginx.js';
import { reloadNginx } from '../nginx-reload.js';

const program = {
  name: 'nginx',
  installHint: 'install nginx 1.22 (apt-get install -y nginx-light), or run scripts/lab-setup.sh',
};

function prepare(input: BalancerConfigInput<NginxKind>): { configPath: string; args: string[] } {
  const configPath = join(input.dir, 'nginx.conf');
  const common = { ...input, runAsRoot: process.getuid?.() === 0 };
  writeFileSync(
    configPath,
    input.routes === undefined
      ? nginxConfig(common)
      : nginxGatewayConfig({ ...common, routes: input.routes }),
  );
  return { configPath, args: ['-p', `${input.dir}/`, '-c', configPath] };
}

/** nginx 1.22: servers change by a new config and SIGHUP to the master the lab started. */
export const nginxFamily = {
  name: 'nginx',
  title: 'nginx 1.22',
  changesBy:
    'a new config and SIGHUP to the master the lab started, after `nginx -t`; done when the new workers run and the old ones exited. A removed server stays in its place marked `down`, so `ip_hash` keeps every other client where it was',
  kinds: nginxKinds,
  program,
  bundles: [],
  standIns: { 'nginx-iphash': 'builtin-source', 'nginx-cookie-hash': 'builtin-cookie' },
  prepare,
  change: async (running, input) => {
    const { args } = prepare(input);
    await reloadNginx(findProgram(program), args, running.process, nginxCapacity.workers);
  },
} as const satisfies BalancerFamily<NginxKind, 'builtin-source' | 'builtin-cookie'>;

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import type { BuiltinBalancerConfig, BuiltinMode } from '../../lab-contract/builtin-balancer-config.js';
import { requireExecutable } from '../components.js';
import { balancerBundlePath } from '../paths.js';
import { answersOk, outputTail } from '../probe.js';
import { isRunning, type OwnedProcess, spawnOwned } from '../processes.js';
import { type GatewayRoute, haproxyGatewayConfig, nginxGatewayConfig } from './gateway.js';
import { haproxyConfig } from './haproxy.js';
import { type BalancerKind, haproxyPinCookie, type UpstreamServer } from './kinds.js';
import { nginxConfig } from './nginx.js';

export interface BalancerRecord {
  kind: BalancerKind;
  port: number;
  url: string;
  configPath: string;
  /** stdout and stderr of the balancer process (nginx also writes nginx-error.log beside it). */
  outputPath: string;
  process: OwnedProcess;
}

export interface StartBalancerInput {
  kind: BalancerKind;
  port: number;
  servers: readonly UpstreamServer[];
  /** The lab's directory; the balancer gets a subdirectory of its own. */
  labDir: string;
  cookieName: string;
  /** Services behind one gateway that routes by path, each to its own servers (then `servers` is unused). */
  routes?: readonly GatewayRoute[];
}

const builtinModes: Record<Extract<BalancerKind, `builtin-${string}`>, BuiltinMode> = {
  'builtin-roundrobin': 'roundrobin',
  'builtin-cookie': 'cookie',
  'builtin-source': 'source',
};

/** Writes the generated config and starts the balancer in the foreground; readiness is the caller's wait. */
export function startBalancer(input: StartBalancerInput): BalancerRecord {
  const dir = join(input.labDir, 'balancer');
  mkdirSync(dir, { recursive: true });
  const outputPath = join(dir, 'output.log');
  const url = `http://127.0.0.1:${input.port}`;

  if (input.kind === 'nginx-iphash' || input.kind === 'nginx-cookie-hash') {
    const nginx = requireExecutable('nginx');
    const configPath = join(dir, 'nginx.conf');
    const common = {
      kind: input.kind,
      port: input.port,
      dir,
      cookieName: input.cookieName,
      runAsRoot: process.getuid?.() === 0,
    };
    const config =
      input.routes === undefined
        ? nginxConfig({ ...common, servers: input.servers })
        : nginxGatewayConfig({ ...common, routes: input.routes });
    writeFileSync(configPath, config);
    const owned = spawnOwned(nginx, ['-p', `${dir}/`, '-c', configPath], { env: {}, outputPath });
    return { kind: input.kind, port: input.port, url, configPath, outputPath, process: owned };
  }

  if (
    input.kind === 'builtin-roundrobin' ||
    input.kind === 'builtin-cookie' ||
    input.kind === 'builtin-source'
  ) {
    if (input.routes !== undefined) {
      throw new LabError(`${input.kind} routes no paths: services need HAProxy or nginx as their gateway`);
    }
    const configPath = join(dir, 'builtin.json');
    const config: BuiltinBalancerConfig = {
      mode: builtinModes[input.kind],
      port: input.port,
      servers: input.servers,
      pinCookie: haproxyPinCookie,
    };
    writeFileSync(configPath, JSON.stringify(config));
    const owned = spawnOwned(process.execPath, [balancerBundlePath, configPath], { env: {}, outputPath });
    return { kind: input.kind, port: input.port, url, configPath, outputPath, process: owned };
  }

  const haproxy = requireExecutable('haproxy');
  const configPath = join(dir, 'haproxy.cfg');
  const { kind, port } = input;
  writeFileSync(
    configPath,
    input.routes === undefined
      ? haproxyConfig({ kind, port, servers: input.servers })
      : haproxyGatewayConfig({ kind, port, routes: input.routes }),
  );
  // -db: stay in the foreground as one process the lab owns.
  const owned = spawnOwned(haproxy, ['-db', '-f', configPath], { env: {}, outputPath });
  return { kind: input.kind, port: input.port, url, configPath, outputPath, process: owned };
}

/** True once the balancer passes a request to a backend; throws at once when the balancer died. */
export async function balancerIsUp(balancer: BalancerRecord): Promise<boolean> {
  if (!isRunning(balancer.process)) {
    throw new LabError(`${balancer.kind} exited while starting: ${outputTail(balancer.outputPath)}`);
  }
  return answersOk(`${balancer.url}/healthz`);
}

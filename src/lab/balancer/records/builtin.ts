import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '../../../errors.js';
import type { BuiltinBalancerConfig, BuiltinMode } from '../../../lab-contract/builtin-balancer-config.js';
import { balancerBundlePath } from '../../paths.js';
import { signalOwned } from '../../processes.js';
import type { BalancerConfigInput, BalancerFamily } from '../family.js';
import { haproxyPinCookie } from '../upstream.js';

const builtinKinds = ['builtin-roundrobin', 'builtin-cookie', 'builtin-source'] as const;
type BuiltinKind = (typeof builtinKinds)[number];

const modes: Record<BuiltinKind, BuiltinMode> = {
  'builtin-roundrobin': 'roundrobin',
  'builtin-cookie': 'cookie',
  'builtin-source': 'source',
};
const reloadTimeoutMs = 10_000;

function generationOf(configPath: string): number {
  try {
    return (JSON.parse(readFileSync(configPath, 'utf8')) as BuiltinBalancerConfig).generation;
  } catch {
    return 0;
  }
}

function prepare(input: BalancerConfigInput<BuiltinKind>): { configPath: string; args: string[] } {
  if (input.routes !== undefined) {
    throw new LabError(`${input.kind} routes no paths: services need HAProxy or nginx as their gateway`);
  }
  const configPath = join(input.dir, 'builtin.json');
  const config: BuiltinBalancerConfig = {
    mode: modes[input.kind],
    port: input.port,
    servers: input.servers,
    pinCookie: haproxyPinCookie,
    generation: generationOf(configPath) + 1,
  };
  writeFileSync(configPath, JSON.stringify(config));
  return { configPath, args: [balancerBundlePath, configPath] };
}

/** The lab's own Node balancer (src/lab-builtin-balancer/): it reads its config again on SIGHUP and says so. */
export const builtinFamily = {
  name: 'builtin',
  title: 'built-in',
  changesBy:
    "a new config file and SIGHUP; done when it prints the file's generation. Its source hash is a rendezvous hash, consistent like HAProxy's `hash-type consistent`",
  kinds: builtinKinds,
  bundles: [balancerBundlePath],
  standIns: {},
  prepare,
  change: async (running, input) => {
    const { configPath } = prepare(input);
    const line = `generation ${generationOf(configPath)}:`;
    signalOwned(running.process, 'SIGHUP');
    const deadline = Date.now() + reloadTimeoutMs;
    while (!readFileSync(running.outputPath, 'utf8').includes(line)) {
      if (Date.now() >= deadline) {
        throw new LabError(`the built-in balancer did not read its new config within ${reloadTimeoutMs} ms`);
      }
      await delay(50);
    }
  },
} as const satisfies BalancerFamily<BuiltinKind, BuiltinKind>;

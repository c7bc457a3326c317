import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { findProgram } from '../components.js';
import { answersOk, outputTail } from '../probe.js';
import { isRunning, type OwnedProcess, spawnOwned } from '../processes.js';
import type { BalancerConfigInput, ServerChange } from './family.js';
import type { GatewayRoute } from './gateway.js';
import { type BalancerKind, familyOf } from './registry.js';
import type { UpstreamServer } from './upstream.js';

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
  /** Names a scale out may add later; none by default. */
  spare?: readonly string[];
  /** The lab's directory; the balancer gets a subdirectory of its own. */
  labDir: string;
  cookieName: string;
  /** Services behind one gateway that routes by path, each to its own servers (then `servers` is unused). */
  routes?: readonly GatewayRoute[];
}

function configInput(input: StartBalancerInput): BalancerConfigInput<BalancerKind> {
  return {
    kind: input.kind,
    port: input.port,
    servers: input.servers,
    spare: input.spare ?? [],
    dir: join(input.labDir, 'balancer'),
    cookieName: input.cookieName,
    ...(input.routes === undefined ? {} : { routes: input.routes }),
  };
}

/** Writes the generated config and starts the balancer in the foreground; readiness is the caller's wait. */
export function startBalancer(input: StartBalancerInput): BalancerRecord {
  const family = familyOf(input.kind);
  const config = configInput(input);
  mkdirSync(config.dir, { recursive: true });
  const outputPath = join(config.dir, 'output.log');
  const command = family.program === undefined ? process.execPath : findProgram(family.program);
  const { configPath, args } = family.prepare(config);
  const owned = spawnOwned(command, args, { env: {}, outputPath });
  const url = `http://127.0.0.1:${input.port}`;
  return { kind: input.kind, port: input.port, url, configPath, outputPath, process: owned };
}

/** A scale event on the running balancer: `input.servers` is the list after it. */
export function changeBalancer(
  balancer: BalancerRecord,
  input: Omit<StartBalancerInput, 'kind' | 'port'>,
  change: ServerChange,
): Promise<void> {
  const config = configInput({ ...input, kind: balancer.kind, port: balancer.port });
  return familyOf(balancer.kind).change(balancer, config, change);
}

/** True once the balancer passes a request to a backend; throws at once when the balancer died. */
export async function balancerIsUp(balancer: BalancerRecord): Promise<boolean> {
  if (!isRunning(balancer.process)) {
    throw new LabError(`${balancer.kind} exited while starting: ${outputTail(balancer.outputPath)}`);
  }
  return answersOk(`${balancer.url}/healthz`);
}

import { LabComponentMissingError } from '../errors.js';
import { type BalancerKind, balancerKinds } from '../lab/balancer/kinds.js';
import { requireExecutable } from '../lab/components.js';
import { requireDockerEngine } from '../lab/docker/cli.js';
import type { LabPlatform } from './lab-binding.js';

function installed(name: Parameters<typeof requireExecutable>[0]): boolean {
  try {
    requireExecutable(name);
    return true;
  } catch (error) {
    if (error instanceof LabComponentMissingError) return false;
    throw error;
  }
}

function programOf(kind: BalancerKind): 'haproxy' | 'nginx' | undefined {
  if (kind.startsWith('haproxy')) return 'haproxy';
  if (kind.startsWith('nginx')) return 'nginx';
  return undefined;
}

/** The built-in balancer mode that stands in for each real balancer on a machine without it. */
export const builtinStandIns: Partial<Record<BalancerKind, BalancerKind>> = {
  'haproxy-roundrobin': 'builtin-roundrobin',
  'haproxy-cookie': 'builtin-cookie',
  'haproxy-source': 'builtin-source',
  'nginx-iphash': 'builtin-source',
  'nginx-cookie-hash': 'builtin-cookie',
};

export interface DetectOptions {
  /** Processes even when Docker answers. */
  runtime?: LabPlatform['runtime'];
  /** Act as if neither HAProxy nor nginx were installed. */
  builtinOnly?: boolean;
}

/**
 * Docker when its daemon answers (else processes), the balancers whose program is installed (the built-in
 * ones always), and Redis.
 */
export async function detectPlatform(options: DetectOptions = {}): Promise<LabPlatform> {
  let runtime: LabPlatform['runtime'] = options.runtime ?? 'docker';
  if (runtime === 'docker') {
    try {
      await requireDockerEngine();
    } catch (error) {
      if (!(error instanceof LabComponentMissingError)) throw error;
      runtime = 'process';
    }
  }
  const programs = {
    haproxy: !options.builtinOnly && installed('haproxy'),
    nginx: !options.builtinOnly && installed('nginx'),
  };
  const balancers = new Set(
    balancerKinds.filter((kind) => {
      const program = programOf(kind);
      return program === undefined || programs[program];
    }),
  );
  return { runtime, balancers, redis: installed('redis-server'), sentinel: installed('redis-sentinel') };
}

/** One line on what the labs will be made of. */
export function describePlatform(platform: LabPlatform): string {
  const runtime =
    platform.runtime === 'docker'
      ? 'backends as Docker containers'
      : 'backends as processes (chaos by signals: the process driver)';
  const balancers = [...platform.balancers].join(', ') || 'none';
  const redis = !platform.redis
    ? 'not installed (no external-store scenario)'
    : platform.sentinel
      ? 'yes, with Sentinel'
      : 'yes, without Sentinel (no store-failover scenario)';
  return `lab: ${runtime}; balancers: ${balancers}; Redis: ${redis}`;
}

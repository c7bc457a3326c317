import { LabComponentMissingError } from '../errors.js';
import { balancerFamilies } from '../lab/balancer/registry.js';
import { hasProgram, redisProgram, sentinelProgram } from '../lab/components.js';
import { requireDockerEngine } from '../lab/docker/cli.js';
import type { LabPlatform } from './lab-binding.js';

export { builtinStandIns } from '../lab/balancer/registry.js';

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
  const balancers = new Set(
    balancerFamilies
      .filter((family) => {
        if (family.program === undefined) return true;
        return !options.builtinOnly && hasProgram(family.program);
      })
      .flatMap((family) => family.kinds),
  );
  return {
    runtime,
    balancers,
    redis: hasProgram(redisProgram),
    sentinel: hasProgram(sentinelProgram),
  };
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

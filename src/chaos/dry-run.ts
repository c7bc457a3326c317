import { DockerUnreachableError, PreflightError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import { openDrivers } from './drivers.js';
import { chaosPreflight } from './preflight.js';
import { renderChaosPlan } from './render.js';
import { planChaos } from './schedule.js';

export interface ChaosDryRun {
  text: string;
  /** Why the real run's preflight would fail (Docker unreachable, a selector matching nothing), if it would. */
  preflightError?: DockerUnreachableError | PreflightError;
}

/**
 * The chaos plan as `run --dry-run` prints it. The drivers only read (ping, list); when they cannot resolve
 * the targets, the timeline is still shown, with the selectors, and the reason is returned.
 */
export async function chaosDryRun(plan: Plan, env: NodeJS.ProcessEnv = process.env): Promise<ChaosDryRun> {
  const drivers = openDrivers(plan, env);
  try {
    return { text: renderChaosPlan((await chaosPreflight(plan, drivers)).actions) };
  } catch (error) {
    if (!(error instanceof DockerUnreachableError || error instanceof PreflightError)) throw error;
    const { chaos, traffic } = plan.profile;
    const actions = planChaos({ chaos, seed: traffic.seed, horizonMs: traffic.duration, matches: new Map() });
    return { text: renderChaosPlan(actions), preflightError: error };
  } finally {
    await drivers.close();
  }
}

import { DockerUnreachableError, PreflightError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import { chaosPreflight, dockerClientFor, needsDocker } from './preflight.js';
import { renderChaosPlan } from './render.js';
import { planChaos } from './schedule.js';

export interface ChaosDryRun {
  text: string;
  /** Why the real run's preflight would fail (Docker unreachable, a selector matching nothing), if it would. */
  preflightError?: DockerUnreachableError | PreflightError;
}

/**
 * The chaos plan as `run --dry-run` prints it. Docker is only read (ping, list); when it cannot resolve the
 * targets, the timeline is still shown, with the selectors, and the reason is returned.
 */
export async function chaosDryRun(plan: Plan, env: NodeJS.ProcessEnv = process.env): Promise<ChaosDryRun> {
  const client = needsDocker(plan) ? dockerClientFor(plan, env) : undefined;
  try {
    return { text: renderChaosPlan((await chaosPreflight(plan, client)).actions) };
  } catch (error) {
    if (!(error instanceof DockerUnreachableError || error instanceof PreflightError)) throw error;
    const { chaos, traffic } = plan.profile;
    const actions = planChaos({ chaos, seed: traffic.seed, horizonMs: traffic.duration, matches: new Map() });
    return { text: renderChaosPlan(actions), preflightError: error };
  } finally {
    await client?.close();
  }
}

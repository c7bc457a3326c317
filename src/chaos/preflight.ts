import { formatProblem, PreflightError, type Problem, ProfileError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import { createDockerClient } from './docker/client.js';
import { resolveDockerEndpoint } from './docker/endpoint.js';
import type { ContainerSummary, DockerClient } from './docker/types.js';
import { parsePick, pickNeeds } from './pick.js';
import { chaosTimingProblems, type PlannedAction, planChaos } from './schedule.js';
import { describeSelector, resolveSelector } from './targets.js';

export interface PreparedChaos {
  actions: PlannedAction[];
  /** The containers each event's selector matched, by event index. */
  matches: ReadonlyMap<number, readonly ContainerSummary[]>;
  /** The negotiated Docker API version; undefined when no event needs Docker. */
  apiVersion?: string;
}

/** Whether any event acts on containers (an exec-only schedule never needs Docker). */
export function needsDocker(plan: Plan): boolean {
  return plan.profile.chaos.events.some((event) => event.action !== 'exec');
}

/** The Docker client a plan asks for: chaos.docker.host, else DOCKER_HOST and its TLS variables. */
export function dockerClientFor(plan: Plan, env: NodeJS.ProcessEnv = process.env): DockerClient {
  return createDockerClient(resolveDockerEndpoint(env, plan.profile.chaos.docker.host));
}

function selectorProblems(plan: Plan, matches: ReadonlyMap<number, readonly ContainerSummary[]>): Problem[] {
  const { maxTargets, events } = plan.profile.chaos;
  return events.flatMap((event, index): Problem[] => {
    if (event.target === undefined) return [];
    const path = `chaos.events[${index}].target`;
    const selector = describeSelector(event.target);
    const found = matches.get(index) ?? [];
    if (found.length === 0) return [{ path, message: `${selector} matches no container` }];
    if (found.length > maxTargets) {
      const names = found.map((container) => container.name).join(', ');
      return [
        {
          path,
          message: `${selector} matches ${found.length} containers (${names}), more than chaos.maxTargets (${maxTargets})`,
        },
      ];
    }
    const needed = pickNeeds(parsePick(event.pick));
    if (found.length < needed) {
      return [
        {
          path,
          message: `pick ${event.pick} needs ${needed} containers, ${selector} matches ${found.length}`,
        },
      ];
    }
    return [];
  });
}

/**
 * Before any traffic: the schedule fits the traffic phase (else a ProfileError, exit 2), Docker answers
 * (else DockerUnreachableError, exit 3), and every selector matches at least one container and no more than
 * chaos.maxTargets (else PreflightError, exit 3, naming every selector that does not). Returns the planned
 * timeline. Only reads from Docker.
 */
export async function chaosPreflight(plan: Plan, client: DockerClient | undefined): Promise<PreparedChaos> {
  const { profile } = plan;
  const timing = chaosTimingProblems(profile.chaos, profile.traffic.duration);
  if (timing.length > 0) throw new ProfileError(plan.source, timing);

  const matches = new Map<number, readonly ContainerSummary[]>();
  let apiVersion: string | undefined;
  if (needsDocker(plan)) {
    if (client === undefined)
      throw new PreflightError('chaos acts on containers but no Docker client was given');
    apiVersion = (await client.ping()).apiVersion;
    for (const [index, event] of profile.chaos.events.entries()) {
      if (event.target !== undefined) matches.set(index, await resolveSelector(client, event.target));
    }
    const problems = selectorProblems(plan, matches);
    if (problems.length > 0) {
      throw new PreflightError(`chaos targets:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, {
        hint: `list the candidates with: docker ps --all --filter label=... (Docker at ${client.endpoint})`,
      });
    }
  }
  const actions = planChaos({
    chaos: profile.chaos,
    seed: profile.traffic.seed,
    horizonMs: profile.traffic.duration,
    matches,
  });
  return { actions, matches, ...(apiVersion === undefined ? {} : { apiVersion }) };
}

import { formatProblem, PreflightError, type Problem, ProfileError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import type { ChaosTarget } from './driver.js';
import type { DriverSet } from './drivers.js';
import { parsePick, pickNeeds } from './pick.js';
import { chaosTimingProblems, type PlannedAction, planChaos } from './schedule.js';
import { describeSelector } from './targets.js';

export interface PreparedChaos {
  actions: PlannedAction[];
  /** The targets each event's selector matched, by event index. */
  matches: ReadonlyMap<number, readonly ChaosTarget[]>;
  /** What each driver reached ("Docker at ..., API 1.41"), for the log. */
  reached: string[];
}

/** A scale event needs a driver that can scale, and the commands that scale its group. */
function scaleProblems(plan: Plan, drivers: DriverSet): Problem[] {
  const { events, driver: defaultDriver } = plan.profile.chaos;
  return events.flatMap((event, index): Problem[] => {
    if (event.action !== 'scale-out' && event.action !== 'scale-in') return [];
    const name = event.driver ?? defaultDriver;
    if (drivers.get(name).scale === undefined) {
      return [{ path: `chaos.events[${index}].action`, message: `the ${name} driver cannot scale` }];
    }
    if (event.scale !== undefined) return [];
    return [
      {
        path: `chaos.events[${index}].scale`,
        message: `required when action is ${event.action}: the commands (out and in) that scale the group (a lab profile's are the lab's own)`,
      },
    ];
  });
}

function selectorProblems(
  plan: Plan,
  drivers: DriverSet,
  matches: ReadonlyMap<number, readonly ChaosTarget[]>,
): Problem[] {
  const { maxTargets, events, driver: defaultDriver } = plan.profile.chaos;
  return events.flatMap((event, index): Problem[] => {
    if (event.target === undefined) return [];
    const noun = drivers.get(event.driver ?? defaultDriver).noun;
    const path = `chaos.events[${index}].target`;
    const selector = describeSelector(event.target);
    const found = matches.get(index) ?? [];
    if (found.length === 0) return [{ path, message: `${selector} matches no ${noun}` }];
    if (found.length > maxTargets) {
      const names = found.map((target) => target.name).join(', ');
      return [
        {
          path,
          message: `${selector} matches ${found.length} ${noun}s (${names}), more than chaos.maxTargets (${maxTargets})`,
        },
      ];
    }
    const needed = pickNeeds(parsePick(event.pick));
    if (found.length < needed) {
      return [
        {
          path,
          message: `pick ${event.pick} needs ${needed} ${noun}s, ${selector} matches ${found.length}`,
        },
      ];
    }
    return [];
  });
}

/**
 * Before any traffic: the schedule fits the traffic phase (else a ProfileError, exit 2), every driver reaches
 * its runtime (else DockerUnreachableError or PreflightError, exit 3), and every selector matches at least one
 * target and no more than chaos.maxTargets (else PreflightError, exit 3, naming every selector that does not),
 * and every scale event has a driver that scales and its scale commands.
 * Returns the planned timeline. Only reads.
 */
export async function chaosPreflight(plan: Plan, drivers: DriverSet): Promise<PreparedChaos> {
  const { profile } = plan;
  const timing = chaosTimingProblems(profile.chaos, profile.traffic.duration);
  if (timing.length > 0) throw new ProfileError(plan.source, timing);

  const reached: string[] = [];
  for (const name of drivers.names()) reached.push(await drivers.get(name).connect());
  const matches = new Map<number, readonly ChaosTarget[]>();
  for (const [index, event] of profile.chaos.events.entries()) {
    if (event.target === undefined || event.action === 'exec') continue;
    const driver = drivers.get(event.driver ?? profile.chaos.driver);
    matches.set(index, await driver.resolve(event.target, event));
  }
  const problems = [...scaleProblems(plan, drivers), ...selectorProblems(plan, drivers, matches)];
  if (problems.length > 0) {
    const hints = [...new Set(drivers.names().map((name) => drivers.get(name).listHint))];
    throw new PreflightError(`chaos targets:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, {
      hint: hints.join('; '),
    });
  }
  const actions = planChaos({
    chaos: profile.chaos,
    seed: profile.traffic.seed,
    horizonMs: profile.traffic.duration,
    matches,
  });
  return { actions, matches, reached };
}

import { parse } from 'yaml';
import { type Problem, ProfileError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import { issuesToProblems } from '../profile/problems.js';
import { type ChaosEvent, chaosEventSchema, chaosPlanSizeIssues } from '../profile/schema/chaos.js';

/**
 * `--chaos '{action: restart, at: 10s, target: {label: role=backend}}'` (repeatable): events written as in the
 * profile, as YAML flow mappings. Given on the command line they replace the profile's events; `--no-chaos`
 * (false here) drops them all.
 */
export function applyChaosFlags(plan: Plan, flag: readonly string[] | false | undefined): Plan {
  if (flag === undefined) return plan;
  const events = flag === false ? [] : chaosEventsFromFlags(flag);
  const chaos = { ...plan.profile.chaos, events };
  // The profile's own events were counted when it was loaded; these replace them, so they are counted here.
  const tooMany = chaosPlanSizeIssues(chaos, plan.profile.traffic.duration).map(({ path, message }) => ({
    path: path.length > 2 ? `--chaos[${path[2]}].${path.slice(3).join('.')}` : '--chaos',
    message,
  }));
  if (tooMany.length > 0) throw new ProfileError('command line', tooMany);
  return { ...plan, profile: { ...plan.profile, chaos } };
}

export function chaosEventsFromFlags(values: readonly string[]): ChaosEvent[] {
  const problems: Problem[] = [];
  const events: ChaosEvent[] = [];
  values.forEach((text, index) => {
    const path = `--chaos[${index}]`;
    let value: unknown;
    try {
      value = parse(text);
    } catch (error) {
      problems.push({ path, message: `not YAML: ${(error as Error).message.split('\n')[0]}` });
      return;
    }
    const result = chaosEventSchema.safeParse(value);
    if (result.success) events.push(result.data);
    else {
      for (const problem of issuesToProblems(result.error.issues)) {
        problems.push({
          path: problem.path === '' ? path : `${path}.${problem.path}`,
          message: problem.message,
        });
      }
    }
  });
  if (problems.length > 0) throw new ProfileError('command line', problems);
  return events;
}

import type { ChaosSelector } from '../profile/schema/chaos.js';
import type { ChaosDriver, ChaosTarget, ScaleRequest, ScaleResult } from './driver.js';
import { execFailure, execSucceeded, runExec } from './exec.js';

/**
 * Scaling by command, for runtimes with no group of their own to resize (plain Docker, processes): the
 * event's scale command does it (the lab's `lab scale`, a Compose or kubectl wrapper), and the `out` command
 * says which member it added on a line of JSON, `{"target": <selector>}`, which the driver resolves as it
 * resolves any selector. A Kubernetes driver would scale its deployment itself instead.
 */

/** What the `in` command's `{target}` becomes for a member: the driver's own name for it. */
type MemberReference = (member: ChaosTarget) => string;

/** The last stdout line that is a JSON object with a `target` object: the selector of the member added. */
function announcedSelector(stdout: string): ChaosSelector | undefined {
  for (const line of stdout.trim().split('\n').reverse()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const target = (value as { target?: unknown } | null)?.target;
    if (typeof target === 'object' && target !== null && !Array.isArray(target))
      return target as ChaosSelector;
  }
  return undefined;
}

export function commandScale(
  driver: Pick<ChaosDriver, 'resolve' | 'noun'>,
  reference: MemberReference,
): (request: ScaleRequest) => Promise<ScaleResult> {
  async function run(direction: string, command: string[], request: ScaleRequest) {
    const exec = await runExec(command, { timeoutMs: request.timeoutMs });
    if (!execSucceeded(exec)) throw new Error(execFailure(`scale-${direction} command`, command, exec));
    return exec;
  }

  return async (request) => {
    const { direction, member, commands } = request;
    if (commands === undefined) throw new Error(`scale-${direction} needs the event's scale commands`);
    if (direction === 'in') {
      if (member === undefined) throw new Error('scale-in needs the member to remove');
      const command = commands.in.map((arg) => arg.replaceAll('{target}', reference(member)));
      return { member, exec: await run(direction, command, request) };
    }
    const exec = await run(direction, commands.out, request);
    const selector = announcedSelector(exec.stdout);
    if (selector === undefined) {
      throw new Error(
        `scale-out command ${commands.out.join(' ')} exited 0 but printed no line {"target": <selector>} naming the ${driver.noun} it added`,
      );
    }
    const found = await driver.resolve(selector);
    const [added] = found;
    if (added === undefined || found.length > 1) {
      const matches = found.length === 0 ? `no ${driver.noun}` : `${found.length} of them, not one`;
      throw new Error(`the scale-out command named ${JSON.stringify(selector)}, which matches ${matches}`);
    }
    return { member: added, exec };
  };
}

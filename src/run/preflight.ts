import { type ControlsOutcome, runControls } from '../controls/controls.js';
import { PreflightError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import type { Plan } from '../profile/load.js';
import type { HttpContext } from '../traffic/send.js';
import type { Credential } from '../traffic/virtual-user.js';

/** The target must answer HTTP at all; any status will do, a failed connection will not. */
async function checkTargetAnswers(targetUrl: string, context: HttpContext): Promise<void> {
  const url = new URL(targetUrl);
  const answer = await exchange(
    context.connections.agentFor(0),
    {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { ...context.headers },
      closeAfter: false,
    },
    { timeoutMs: context.timeoutMs, maxBodyBytes: 0, keepBody: false },
  );
  if (answer.errorCode !== undefined) {
    throw new PreflightError(`target ${url.href} does not answer: ${answer.errorCode}`, {
      hint: 'is the balancer running, and is target.url right?',
    });
  }
}

/**
 * Before any traffic: the target answers, and the controls show that the rules tell the states apart here
 * (a probe logs in as the first user). Returns the rules and login criteria the run is to use.
 */
export async function runPreflight(
  plan: Plan,
  context: HttpContext,
  first: Credential & { id: number },
  log: (line: string) => void,
): Promise<ControlsOutcome> {
  await checkTargetAnswers(plan.profile.target.url, context);
  return runControls({ plan, context, probe: first, log });
}

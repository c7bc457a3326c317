import { PreflightError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { type LoginSetup, logIn } from '../login/login.js';
import type { VirtualUser } from '../traffic/virtual-user.js';
import { redact } from '../util/redact.js';

/** The start of a body as shown in a message: one line, short, with every secret blanked out. */
function bodyExcerpt(body: string | undefined, secrets: readonly string[]): string {
  if (body === undefined || body === '') return '(empty body)';
  const flat = body.replace(/\s+/g, ' ').trim();
  const cut = flat.length > 160 ? `${flat.slice(0, 160)}...` : flat;
  return JSON.stringify(redact(cut, secrets));
}

/** The target must answer HTTP at all; any status will do, a failed connection will not. */
export async function checkTargetAnswers(targetUrl: string, setup: LoginSetup): Promise<void> {
  const url = new URL(targetUrl);
  const answer = await exchange(
    setup.context.connections.agentFor(0),
    {
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { ...setup.context.headers },
      closeAfter: false,
    },
    { timeoutMs: setup.context.timeoutMs, maxBodyBytes: 0, keepBody: false },
  );
  if (answer.errorCode !== undefined) {
    throw new PreflightError(`target ${url.href} does not answer: ${answer.errorCode}`, {
      hint: 'is the balancer running, and is target.url right?',
    });
  }
}

/** One login with the first user's credentials must succeed before any user starts. */
export async function probeLogin(
  probe: VirtualUser,
  setup: LoginSetup,
  secrets: readonly string[],
): Promise<void> {
  const { record, detail } = await logIn(probe, 'initial', setup);
  if (record.outcome === 'login_ok') return;
  const allSecrets = [...secrets, probe.password];
  const status =
    detail.status === undefined ? (detail.errorCode ?? 'no response') : `status ${detail.status}`;
  const lines = [
    `the probe login as ${probe.username} failed (${record.reason ?? record.outcome})`,
    `  ${setup.auth.login.method} ${detail.url} -> ${status}`,
    `  body: ${bodyExcerpt(detail.bodyStart, allSecrets)}`,
  ];
  throw new PreflightError(redact(lines.join('\n'), allSecrets), {
    hint: 'check auth.login (url, format, fields, successStatus) and the credentials',
  });
}

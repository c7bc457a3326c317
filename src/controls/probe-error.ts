import { PreflightError } from '../errors.js';
import type { LoginResult } from '../login/login.js';
import type { Auth } from '../profile/schema/auth.js';
import type { VirtualUser } from '../traffic/virtual-user.js';
import { redact } from '../util/redact.js';
import { carriesCsrfField, explainBody } from './evidence.js';

/**
 * The probe login failed: what was sent, what came back, the part of the body that says why (its title,
 * its error text), and a hint at auth.login.prepare when the page asks for a CSRF value the login did not send.
 */
export function probeLoginError(
  probe: VirtualUser,
  result: LoginResult,
  auth: Auth,
  secrets: readonly string[],
): PreflightError {
  const { record, detail } = result;
  const allSecrets = [...secrets, probe.password];
  const status =
    detail.status === undefined ? (detail.errorCode ?? 'no response') : `status ${detail.status}`;
  const location = detail.location === undefined ? '' : `, Location: ${detail.location}`;
  const lines = [
    `the probe login as ${probe.username} failed (${record.reason ?? record.outcome})`,
    `  ${auth.login.method} ${detail.url} -> ${status}${location}`,
    // Redacted before it is cut: a secret across the cut would leave its first characters.
    `  body: ${explainBody(detail.body === undefined ? undefined : redact(detail.body, allSecrets))}`,
  ];
  const csrf =
    auth.login.prepare === undefined &&
    (carriesCsrfField(detail.body) || /csrf|xsrf/i.test(detail.body ?? ''));
  const hint = csrf
    ? 'the page carries a CSRF field: fetch it first with auth.login.prepare ' +
      '(url: the login page, extract: [{ name: csrf, from: body, pattern: \'name="csrf[^"]*" value="([^"]+)"\' }]) ' +
      'and send it back in auth.login.fields'
    : 'check auth.login (url, format, fields, successStatus, success) and the credentials';
  return new PreflightError(redact(lines.join('\n'), allSecrets), { hint });
}

import { Cookie } from 'tough-cookie';
import type { RuleNeeds } from '../classify/classify.js';
import type { LoginCause, LoginRecord, ResponseRecord } from '../classify/record.js';
import { type AnswerGist, answerGist } from '../http/exchange.js';
import type { Auth, LoginSuccess } from '../profile/schema/auth.js';
import { toResponseRecord } from '../traffic/response-record.js';
import { type Endpoint, type HttpContext, resolveEndpoint, type Sent, sendAs } from '../traffic/send.js';
import {
  cookiesExpiry,
  cookieValue,
  jwtExpiry,
  setCookieValue,
  setCookieValues,
} from '../traffic/session.js';
import type { VirtualUser } from '../traffic/virtual-user.js';
import { extractToken, extractValue } from './extract.js';
import { fillTemplate } from './template.js';

/** Everything a login needs, resolved once per run. */
export interface LoginSetup {
  auth: Auth;
  endpoint: Endpoint;
  prepareEndpoint: Endpoint | undefined;
  needs: RuleNeeds;
  /** Which backend answered, read by the classification rules from the login response. */
  backendOf: (record: ResponseRecord) => string;
  context: HttpContext;
  /** The run's interrupt: a login in flight when it fires ends at once (`cutShort` of src/classify/record.ts), not when the server answers. */
  signal?: AbortSignal | undefined;
}

export function loginSetup(
  auth: Auth,
  targetUrl: string,
  needs: RuleNeeds,
  backendOf: LoginSetup['backendOf'],
  context: HttpContext,
  signal?: AbortSignal,
): LoginSetup {
  const prepare = auth.login.prepare;
  return {
    signal,
    auth,
    endpoint: resolveEndpoint(auth.login.url, targetUrl),
    prepareEndpoint: prepare === undefined ? undefined : resolveEndpoint(prepare.url, targetUrl),
    needs,
    backendOf,
    context,
  };
}

/** What a login's answer looked like, for preflight's controls and messages (a body may hold a credential). */
interface LoginDetail extends AnswerGist {
  url: string;
  /** The names of the cookies the answer set with a value (not those it cleared). */
  setCookies: string[];
}

export interface LoginResult {
  record: LoginRecord;
  detail: LoginDetail;
}

function encodeBody(format: 'form' | 'json', fields: Record<string, string>): string {
  return format === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
}

const contentTypes = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;

function detailOf(endpoint: Endpoint, sent: Sent, wallNow: number): LoginDetail {
  const { exchange } = sent;
  const setCookies = setCookieValues(exchange.headers['set-cookie'])
    .map((value) => Cookie.parse(value))
    .flatMap((cookie) =>
      cookie !== undefined &&
      cookie.value !== '' &&
      (cookie.expiryTime() ?? Number.POSITIVE_INFINITY) > wallNow
        ? [cookie.key]
        : [],
    );
  return { url: endpoint.url, setCookies, ...answerGist(exchange) };
}

/** Why an answer with a success status is not a successful login by auth.login.success; undefined if it is. */
function missedSuccess(
  success: LoginSuccess | undefined,
  detail: LoginDetail,
  setCookie: string | string[] | undefined,
  cookieBefore: string | undefined,
): string | undefined {
  if (success === undefined) return undefined;
  if (success.redirectTo !== undefined) {
    const redirected = detail.status !== undefined && detail.status >= 300 && detail.status < 400;
    if (
      !redirected ||
      detail.location === undefined ||
      !new RegExp(success.redirectTo).test(detail.location)
    ) {
      return `no redirect to ${success.redirectTo} (Location: ${detail.location ?? 'none'})`;
    }
  }
  if (success.bodyPattern !== undefined && !new RegExp(success.bodyPattern).test(detail.body ?? '')) {
    return `the body does not match ${success.bodyPattern}`;
  }
  if (success.cookie !== undefined) {
    const value = setCookieValue(setCookie, success.cookie);
    if (value === undefined || value === '') return `cookie ${success.cookie} not set`;
    if (value === cookieBefore) return `cookie ${success.cookie} not changed`;
  }
  return undefined;
}

/**
 * Logs a user in: an optional first step whose response supplies `{name}` values (a CSRF token), then the
 * form or JSON request. The session is the cookies it set (cookie mode) or the token read from it (bearer);
 * a success status without one is a failed login. The user's session state is updated either way.
 */
export async function logIn(vu: VirtualUser, cause: LoginCause, setup: LoginSetup): Promise<LoginResult> {
  const { auth, context } = setup;
  const login = auth.login;
  const values: Record<string, string> = { username: vu.username, password: vu.password, i: String(vu.id) };
  const startedAt = context.clock.now();
  const outcome = (
    sent: Sent | undefined,
    detail: LoginDetail,
    result: Pick<LoginRecord, 'outcome'> & { reason?: string; errorCode?: string },
  ): LoginResult => {
    const record: LoginRecord = {
      vu: vu.id,
      user: vu.username,
      requestId: sent?.requestId ?? '',
      start: startedAt,
      end: sent?.end ?? context.clock.now(),
      outcome: result.outcome,
      cause,
      backend: 'unknown',
    };
    if (sent !== undefined) {
      record.backend = setup.backendOf(
        toResponseRecord(
          vu,
          {
            request: 'login',
            method: login.method,
            path: setup.endpoint.path,
            url: setup.endpoint.url,
            intendedStart: sent.start,
            hadSession: false,
            sessionExpiresAt: undefined,
          },
          sent,
          setup.needs,
        ),
      );
      if (sent.exchange.status !== undefined) record.status = sent.exchange.status;
      if (sent.exchange.errorCode !== undefined) record.errorCode = sent.exchange.errorCode;
    }
    if (result.reason !== undefined) record.reason = result.reason;
    if (result.errorCode !== undefined) record.errorCode = result.errorCode;
    if (result.outcome !== 'login_ok') {
      vu.loggedIn = false;
      vu.token = undefined;
    }
    return { record, detail };
  };

  let preparedCookies = 0;
  const prepare = login.prepare;
  if (prepare !== undefined && setup.prepareEndpoint !== undefined) {
    const endpoint = setup.prepareEndpoint;
    const sent = await sendAs(
      vu,
      {
        endpoint,
        method: prepare.method,
        keepBody: true,
        withToken: false,
        closeAfter: false,
        signal: setup.signal,
      },
      context,
    );
    const detail = detailOf(endpoint, sent, context.wallNow());
    if (sent.exchange.errorCode !== undefined) {
      return outcome(undefined, detail, {
        outcome: 'login_error',
        reason: `first step: ${sent.exchange.errorCode}`,
        errorCode: sent.exchange.errorCode,
      });
    }
    if ((sent.exchange.status ?? 0) >= 400) {
      return outcome(undefined, detail, {
        outcome: 'login_failed',
        reason: `first step: status ${sent.exchange.status}`,
      });
    }
    for (const extraction of prepare.extract) {
      const value = extractValue(extraction, sent.exchange, vu, endpoint.url);
      if (value === undefined) {
        return outcome(undefined, detail, {
          outcome: 'login_failed',
          reason: `first step: "${extraction.name}" not found in the ${extraction.from}`,
        });
      }
      values[extraction.name] = value;
    }
    preparedCookies = sent.stored.length;
  }

  const fields = Object.fromEntries(
    Object.entries(login.fields).map(([name, template]) => [name, fillTemplate(template, values)]),
  );
  const cookieBefore =
    login.success?.cookie === undefined
      ? undefined
      : cookieValue(vu, setup.endpoint.url, login.success.cookie);
  const headers: Record<string, string> = { 'content-type': contentTypes[login.format] };
  for (const [name, template] of Object.entries(login.headers))
    headers[name] = fillTemplate(template, values);
  const sent = await sendAs(
    vu,
    {
      endpoint: setup.endpoint,
      method: login.method,
      headers,
      body: encodeBody(login.format, fields),
      keepBody: true,
      withToken: false,
      closeAfter: false,
      signal: setup.signal,
    },
    context,
  );
  const detail = detailOf(setup.endpoint, sent, context.wallNow());
  const { exchange } = sent;
  if (exchange.errorCode !== undefined) {
    return outcome(sent, detail, { outcome: 'login_error', reason: exchange.errorCode });
  }
  if (exchange.status === undefined || !login.successStatus.includes(exchange.status)) {
    return outcome(sent, detail, { outcome: 'login_failed', reason: `status ${exchange.status}` });
  }
  const missed = missedSuccess(login.success, detail, exchange.headers['set-cookie'], cookieBefore);
  if (missed !== undefined) return outcome(sent, detail, { outcome: 'login_failed', reason: missed });

  let wallExpiry: number | undefined;
  if (auth.mode === 'bearer' && login.token !== undefined) {
    const token = extractToken(login.token, exchange);
    if (token === undefined) {
      const where =
        login.token.from === 'json' ? `JSON path ${login.token.path}` : `header ${login.token.name}`;
      return outcome(sent, detail, { outcome: 'login_failed', reason: `no token at ${where}` });
    }
    vu.token = token;
    wallExpiry = jwtExpiry(token);
  } else {
    if (sent.stored.length + preparedCookies === 0) {
      return outcome(sent, detail, { outcome: 'login_failed', reason: 'no session cookie set' });
    }
    wallExpiry = cookiesExpiry(sent.stored);
  }
  vu.loggedIn = true;
  vu.losses = 0;
  vu.loggedInAt = sent.start;
  vu.lastUsedAt = sent.start;
  vu.sessionCookies = sent.stored.map((cookie) => cookie.key);
  vu.sessionCleared = false;
  // Counted from the login's start, the earliest moment the server can have started a Max-Age countdown: the
  // server's session then never outlives the VU's idea of it, so a logged-out answer in the login's latency
  // before the expiry is an expiry, not a mismatch (measured on the lab: 13% of 1 s expiries otherwise).
  vu.expiresAt = wallExpiry === undefined ? undefined : sent.start + (wallExpiry - context.wallNow());
  return outcome(sent, detail, { outcome: 'login_ok' });
}

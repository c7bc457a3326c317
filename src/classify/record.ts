import { errorCodes } from '../http/error-codes.js';

/**
 * What the traffic engine emits for every request: the facts of the exchange and of the virtual user's
 * credential at the moment it was sent. Classification and metrics consume these; the engine never counts.
 * Times are milliseconds on the run's clock (0 = start of the run).
 */
export interface ResponseRecord {
  vu: number;
  /** The user name the VU logged in as. */
  user: string;
  requestId: string;
  /** The mix entry's name, or `METHOD path`. */
  request: string;
  method: string;
  path: string;
  /** When the request should have started: the schedule's time in the open model, `start` in the closed one. */
  intendedStart: number;
  start: number;
  end: number;
  /** Undefined when no HTTP response arrived. */
  status?: number;
  /** The error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, ETIMEDOUT, ... see src/http/error-codes.ts) when the exchange failed, before or after its status line. */
  errorCode?: string;
  /** Response headers the rules read, lower-cased names; `location` always when present. */
  headers: Readonly<Record<string, string>>;
  /** Cookies the rules read: the response's Set-Cookie value, else the value the VU sent. */
  cookies: Readonly<Record<string, string>>;
  /** The body, read only when a rule needs it, and only up to the cap. */
  body?: string;
  bodyBytes: number;
  bodyTruncated: boolean;
  /** Whether the VU held a session that a successful login gave it when it sent this request. */
  hadSession: boolean;
  /**
   * When that session expires on the run's clock (cookie Expires/Max-Age, JWT exp, the server's idle and
   * absolute lifetimes of auth.session); undefined if never.
   */
  sessionExpiresAt?: number;
  /** The VU sent it without a session because the server had cleared its session cookie. */
  sessionCleared?: boolean;
}

export type LoginOutcome = 'login_ok' | 'login_failed' | 'login_error';
export type LoginCause = 'initial' | 'mismatch' | 'expired';

export interface LoginRecord {
  vu: number;
  user: string;
  requestId: string;
  start: number;
  end: number;
  outcome: LoginOutcome;
  /** Why it was made: the VU's first login, or a re-login after a mismatch or an expiry. */
  cause: LoginCause;
  status?: number;
  errorCode?: string;
  /** A short reason for login_failed / login_error, never containing a credential. */
  reason?: string;
  backend: string;
}

/** A login the run's interrupt ended: it says nothing of the server, so it is not counted. */
export function cutShort(record: LoginRecord): boolean {
  return record.errorCode === errorCodes.aborted;
}

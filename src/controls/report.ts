import type { LoginSuccess } from '../profile/schema/auth.js';
import type { LoggedOutRule } from '../profile/schema/classify.js';
import type { Extractor } from '../profile/schema/common.js';

/** What one mix request showed in preflight. */
export interface ControlRequest {
  request: string;
  public: boolean;
  /** Without a session. */
  loggedOut?: { status?: number; location?: string };
  /** With the probe's fresh session, and the tries it took to get an answer unlike the logged-out one. */
  loggedIn?: { status?: number; tries: number };
}

/**
 * The controls of a run and the rules they settled, learned ones included: written to the result, so the run
 * can be repeated with every rule explicit.
 */
export interface ControlsReport {
  /** `passed`: a wrong password was judged failed; `off`: auth.login.negativeControl is false. */
  negativeLogin: 'passed' | 'off';
  /** The success criteria beyond status, when the profile gave them or preflight learned them. */
  loginSuccess?: { rule: LoginSuccess; learned: boolean };
  loggedOut: { rule: LoggedOutRule; learned: boolean };
  /** `measurable` false: no answer said which backend served it, so stickiness is not measured. */
  backend: { rule: Extractor; learned: boolean; measurable: boolean };
  requests: ControlRequest[];
  /** What preflight printed about them. */
  lines: string[];
}

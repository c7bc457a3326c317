import type { LoginCause } from '../classify/record.js';
import { deriveSeed, type RandomState } from '../util/random.js';
import { emptySession, type Session } from './session.js';

export interface Credential {
  username: string;
  password: string;
}

/**
 * One virtual user: its credential, its session for the whole run, and its own random stream (drawn with
 * `nextRandom(vu)`; a closure per user would cost about 100 bytes more, which counts at 100,000 users).
 */
export interface VirtualUser extends Session, Credential, RandomState {
  id: number;
  /** Requests sent (logins excluded), for reconnect-every-N. */
  sent: number;
  /** Mismatches and expiries since its last successful login, for the `after N` policy. */
  losses: number;
  /** Set when the policy asked for a re-login that has not succeeded yet; the next step retries it. */
  pendingRelogin: LoginCause | undefined;
}

export function createVirtualUser(id: number, credential: Credential, seed: number): VirtualUser {
  return {
    id,
    username: credential.username,
    password: credential.password,
    // A stream per user, derived from the run's seed, so a user's choices do not depend on the others.
    randomState: deriveSeed(seed, id),
    sent: 0,
    losses: 0,
    pendingRelogin: undefined,
    ...emptySession(),
  };
}

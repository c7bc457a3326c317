export const responseClasses = ['ok', 'mismatch', 'wrong_user', 'expired', 'error', 'unexpected'] as const;
export type ResponseClass = (typeof responseClasses)[number];

const errorReasons = ['refused', 'reset', 'timeout', 'other', 'http_5xx'] as const;
export type ErrorReason = (typeof errorReasons)[number];

/**
 * Why a response is `unexpected`, when one reason stands out. `no_session`: a "not logged in" answer to a VU
 * that held no session (its login failed), so nothing was lost: not a mismatch, not an expiry.
 * `session_cleared`: a "not logged in" answer to a request sent after the server cleared the VU's session
 * cookie (Set-Cookie with a past expiry or Max-Age=0): the session was lost once, on the answer that cleared
 * it (a mismatch); what the VU sends after it carries no session to lose.
 */
const unexpectedReasons = ['no_session', 'session_cleared'] as const;
type UnexpectedReason = (typeof unexpectedReasons)[number];

export const reasons = [...errorReasons, ...unexpectedReasons] as const;
export type Reason = ErrorReason | UnexpectedReason;

/** The backend a response came from, when the rules could tell. */
export const unknownBackend = 'unknown';

export interface Classification {
  class: ResponseClass;
  /** Set for `error`, and for `unexpected` when a reason is known. */
  reason?: Reason;
  backend: string;
  /** The identity the response was authenticated as, when an identity rule read one. */
  identity?: string;
}

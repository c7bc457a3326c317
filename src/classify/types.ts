export const responseClasses = ['ok', 'mismatch', 'wrong_user', 'expired', 'error', 'unexpected'] as const;
export type ResponseClass = (typeof responseClasses)[number];

export const errorReasons = ['refused', 'reset', 'timeout', 'other', 'http_5xx'] as const;
export type ErrorReason = (typeof errorReasons)[number];

/** The backend a response came from, when the rules could tell. */
export const unknownBackend = 'unknown';

export interface Classification {
  class: ResponseClass;
  /** Set for `error`. */
  reason?: ErrorReason;
  backend: string;
  /** The identity the response was authenticated as, when an identity rule read one. */
  identity?: string;
}

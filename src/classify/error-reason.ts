import type { ErrorReason } from './types.js';

/**
 * The error codes of a request that got no answer (the system's, and the undici names our client keeps; see
 * src/http/error-codes.ts) grouped by what they say about the server.
 * `UND_ERR_SOCKET` is "other side closed": the connection died under the request, as a reset does.
 * `TimeoutError` is what `AbortSignal.timeout()` rejects with when an engine enforces its own deadline.
 */
const reasonByCode: Readonly<Record<string, ErrorReason>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  TimeoutError: 'timeout',
};

/** The reason of a request that got no HTTP response; `other` for codes that say nothing specific. */
export function errorReasonFor(errorCode: string | undefined): ErrorReason {
  return (errorCode !== undefined && reasonByCode[errorCode]) || 'other';
}

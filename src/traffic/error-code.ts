/** The code the engine gives a request that ran past `target.timeout` as a whole (slow bodies included). */
export const requestTimeoutCode = 'ETIMEDOUT';

export function timeoutError(): Error {
  return Object.assign(new Error('request timed out'), { code: requestTimeoutCode });
}

/**
 * The code a record carries for a failed exchange: undici's own (UND_ERR_SOCKET, UND_ERR_CONNECT_TIMEOUT,
 * HPE_* parser errors), else the system's (ECONNREFUSED, ECONNRESET), else a generic one, so no failure
 * is ever without a code.
 */
export function errorCodeOf(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== error) return errorCodeOf(cause);
    const name = (error as { name?: unknown }).name;
    // undici leaves `code` undefined for some parser errors (a response that is not HTTP at all).
    if (name === 'HTTPParserError') return 'HPE_INVALID_RESPONSE';
    if (name === 'AbortError') return 'UND_ERR_ABORTED';
  }
  return 'UND_ERR';
}

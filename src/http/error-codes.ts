/**
 * The codes a failed exchange carries besides the system's own (ECONNREFUSED, ECONNRESET, EADDRNOTAVAIL).
 * They are undici's names, so a result reads the same whichever client (the engine's own or undici, the
 * reference) sent the requests; parser errors carry llhttp's HPE_* codes.
 */
export const errorCodes = {
  /** The request ran past `target.timeout` as a whole (slow bodies included). */
  timeout: 'ETIMEDOUT',
  /** The connection was not established within `target.timeout`. */
  connectTimeout: 'UND_ERR_CONNECT_TIMEOUT',
  /** The connection ended under the request ("other side closed"). */
  closed: 'UND_ERR_SOCKET',
  /** The run shut its connections while the request was in flight or waiting. */
  clientClosed: 'UND_ERR_CLOSED',
  /** The caller's signal ended the request (the run was interrupted). */
  aborted: 'UND_ERR_ABORTED',
  /** A header would not fit in HTTP/1.1 (a CR or LF in it). */
  invalidHeader: 'UND_ERR_INVALID_ARG',
  /** Parser errors, with llhttp's names. */
  headerOverflow: 'HPE_HEADER_OVERFLOW',
  invalidResponse: 'HPE_INVALID_CONSTANT',
  invalidHeaderToken: 'HPE_INVALID_HEADER_TOKEN',
  invalidContentLength: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  invalidChunk: 'HPE_INVALID_CHUNK_SIZE',
  invalidTransferEncoding: 'HPE_INVALID_TRANSFER_ENCODING',
  crExpected: 'HPE_CR_EXPECTED',
  lfExpected: 'HPE_LF_EXPECTED',
  /** A 101 Switching Protocols to a request that asked for no upgrade (llhttp pauses on it; undici fails it). */
  unrequestedUpgrade: 'HPE_PAUSED_UPGRADE',
} as const;

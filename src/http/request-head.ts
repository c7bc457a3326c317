import { errorCodes } from './error-codes.js';
import type { HttpMethod } from './types.js';

export interface RequestLine {
  method: HttpMethod;
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  /** Ask the server to close the connection after this exchange. */
  closeAfter: boolean;
}

// A CR or LF in a header would let a value (a cookie, a profile header) write headers of its own.
const breaksHeader = /[\r\n\0]/;

export class HeaderValueError extends Error {
  readonly code = errorCodes.invalidHeader;
}

/**
 * The request's head, ready to write: request line, headers, and the blank line that ends them. `host` is
 * the origin's `host[:port]`, sent unless the headers carry a Host of their own. Names are trusted: they are
 * ours or the profile's, which its schema checks. Values are checked: they may come from a credentials file,
 * a cookie or a token.
 */
export function requestHead(request: RequestLine, host: string): string {
  let head = `${request.method} ${request.path} HTTP/1.1\r\n`;
  let hasHost = false;
  for (const name in request.headers) {
    const value = request.headers[name] as string;
    if (breaksHeader.test(value))
      throw new HeaderValueError(`header ${name}: a value must not contain CR, LF or NUL`);
    if (!hasHost && name.length === 4 && name.toLowerCase() === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `host: ${host}\r\n`;
  if (request.body !== undefined) head += `content-length: ${Buffer.byteLength(request.body)}\r\n`;
  if (request.closeAfter) head += 'connection: close\r\n';
  return `${head}\r\n`;
}

import type { Dispatcher } from 'undici';
import { errorCodeOf, timeoutError } from './error-code.js';

export interface ExchangeRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Close the connection after this exchange (per-request and reconnect modes). */
  closeAfter: boolean;
}

export interface ExchangeLimits {
  /** The whole exchange, from send to the body's last byte. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** Keep the body text (up to maxBodyBytes); otherwise it is only counted. */
  keepBody: boolean;
}

export interface Exchange {
  status?: number;
  errorCode?: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body?: string;
  bodyBytes: number;
  bodyTruncated: boolean;
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One HTTP exchange that never throws: every failure (refused, reset, timeout, garbage, a body cut short)
 * comes back as an errorCode, with the status when headers had arrived. The body is read to its end so the
 * connection can be reused, but at most maxBodyBytes of it are kept; the rest is counted and dropped.
 */
export async function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  limits: ExchangeLimits,
): Promise<Exchange> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutError()), limits.timeoutMs);
  let status: number | undefined;
  let headers: Exchange['headers'] = noHeaders;
  let bodyBytes = 0;
  let bodyTruncated = false;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  try {
    const response = await dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body,
      reset: request.closeAfter,
      signal: controller.signal,
      // The overall timer above is the one limit; these only stop undici from firing first with its defaults.
      headersTimeout: limits.timeoutMs * 2,
      bodyTimeout: limits.timeoutMs * 2,
    });
    status = response.statusCode;
    headers = response.headers;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bodyBytes += chunk.length;
      bodyTruncated = bodyBytes > limits.maxBodyBytes;
      const room = limits.maxBodyBytes - keptBytes;
      if (limits.keepBody && room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        kept.push(part);
        keptBytes += part.length;
      }
    }
    const result: Exchange = { status, headers, bodyBytes, bodyTruncated };
    if (limits.keepBody) result.body = Buffer.concat(kept).toString('utf8');
    return result;
  } catch (error) {
    const failed: Exchange = { errorCode: errorCodeOf(error), headers, bodyBytes, bodyTruncated };
    if (status !== undefined) failed.status = status;
    return failed;
  } finally {
    clearTimeout(timer);
  }
}

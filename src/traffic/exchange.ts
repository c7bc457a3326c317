import { type Dispatcher, util } from 'undici';
import { type Deadlines, type Expiring, deadlines as sharedDeadlines } from './deadlines.js';
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
 * Drives one exchange with undici's dispatch handler callbacks: no response stream, no promise per chunk,
 * no AbortController and no timer of its own (the shared deadline timer expires it). The body is read to
 * its end so the connection can be reused, but at most maxBodyBytes of it are kept.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler, Expiring {
  deadline = 0;
  #status: number | undefined;
  #headers: Exchange['headers'] = noHeaders;
  #bodyBytes = 0;
  #kept: Buffer[] | undefined;
  #keptBytes = 0;
  #abort: ((reason: Error) => void) | undefined;
  #timedOut = false;
  #settled = false;
  readonly #limits: ExchangeLimits;
  readonly #deadlines: Deadlines;
  readonly #resolve: (exchange: Exchange) => void;

  constructor(limits: ExchangeLimits, deadlines: Deadlines, resolve: (exchange: Exchange) => void) {
    this.#limits = limits;
    this.#deadlines = deadlines;
    this.#resolve = resolve;
    if (limits.keepBody) this.#kept = [];
    deadlines.add(this, limits.timeoutMs);
  }

  expire(): void {
    this.#timedOut = true;
    // A request still queued for a connection has no abort yet: onConnect aborts it when it gets one.
    this.#abort?.(timeoutError());
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.#abort = abort;
    if (this.#timedOut) abort(timeoutError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers are informational; the final answer follows on the same exchange.
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#headers = util.parseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#bodyBytes += chunk.length;
    const room = this.#limits.maxBodyBytes - this.#keptBytes;
    if (this.#kept !== undefined && room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.#kept.push(part);
      this.#keptBytes += part.length;
    }
    return true;
  }

  onComplete(): void {
    const result: Exchange = {
      headers: this.#headers,
      bodyBytes: this.#bodyBytes,
      bodyTruncated: this.#bodyBytes > this.#limits.maxBodyBytes,
    };
    if (this.#status !== undefined) result.status = this.#status;
    if (this.#kept !== undefined) result.body = Buffer.concat(this.#kept).toString('utf8');
    this.#settle(result);
  }

  onError(error: Error): void {
    const failed: Exchange = {
      errorCode: errorCodeOf(error),
      headers: this.#headers,
      bodyBytes: this.#bodyBytes,
      bodyTruncated: this.#bodyBytes > this.#limits.maxBodyBytes,
    };
    if (this.#status !== undefined) failed.status = this.#status;
    this.#settle(failed);
  }

  #settle(exchange: Exchange): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#deadlines.delete(this, this.#limits.timeoutMs);
    this.#resolve(exchange);
  }
}

/**
 * One HTTP exchange that never throws: every failure (refused, reset, timeout, garbage, a body cut short)
 * comes back as an errorCode, with the status when headers had arrived.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  limits: ExchangeLimits,
  deadlines: Deadlines = sharedDeadlines,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const handler = new ExchangeHandler(limits, deadlines, resolve);
    try {
      dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          reset: request.closeAfter,
          // The overall deadline is the one limit; these only stop undici from firing first with its defaults.
          headersTimeout: limits.timeoutMs * 2,
          bodyTimeout: limits.timeoutMs * 2,
        },
        handler,
      );
    } catch (error) {
      handler.onError(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

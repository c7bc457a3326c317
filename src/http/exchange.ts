import { type Deadlines, type Expiring, deadlines as sharedDeadlines } from './deadlines.js';
import { contentCodings, decodeBody } from './decode.js';
import { errorCodes } from './error-codes.js';
import type { HttpAgent, OutgoingRequest, ResponseHeaders, ResponseSink } from './types.js';

export type ExchangeRequest = OutgoingRequest;

export interface ExchangeLimits {
  /** The whole exchange, from send to the body's last byte. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** Keep the body text (up to maxBodyBytes); otherwise it is only counted. */
  keepBody: boolean;
  /**
   * Aborting it ends the exchange at once with UND_ERR_ABORTED (and the connection carrying it). A listener
   * per exchange: for the few requests an interrupt must not wait for (logins), not for every request.
   */
  signal?: AbortSignal | undefined;
}

export interface Exchange {
  status?: number;
  errorCode?: string;
  headers: ResponseHeaders;
  body?: string;
  bodyBytes: number;
  bodyTruncated: boolean;
}

/** What an answer said, for evidence and login details: only the parts it has, a repeated Location joined. */
export interface AnswerGist {
  status?: number;
  errorCode?: string;
  location?: string;
  body?: string;
}

export function answerGist(exchange: Exchange): AnswerGist {
  const gist: AnswerGist = {};
  if (exchange.status !== undefined) gist.status = exchange.status;
  if (exchange.errorCode !== undefined) gist.errorCode = exchange.errorCode;
  const { location } = exchange.headers;
  if (location !== undefined) gist.location = Array.isArray(location) ? location.join(', ') : location;
  if (exchange.body !== undefined) gist.body = exchange.body;
  return gist;
}

const noHeaders: ResponseHeaders = Object.freeze({});

const withEncoding = new WeakMap<readonly string[], readonly string[]>();

/**
 * The headers to report when the body is kept: Content-Encoding among them, so that the body is decoded
 * before any rule reads it. Made once per list (lists are made once per request kind, not per request).
 */
function withContentEncoding(keep: readonly string[] | undefined): readonly string[] | undefined {
  if (keep === undefined || keep.includes('content-encoding')) return keep;
  let extended = withEncoding.get(keep);
  if (extended === undefined) {
    extended = [...keep, 'content-encoding'];
    withEncoding.set(keep, extended);
  }
  return extended;
}

/**
 * One exchange as the connection reports it: no response stream, no promise per chunk, no timer of its own
 * (the shared deadline timer expires it). The body is read to its end so the connection can be reused, but
 * at most maxBodyBytes of it are kept, and those decoded (gzip, deflate, br) when the answer is compressed.
 */
class ExchangeHandler implements ResponseSink, Expiring {
  deadline = 0;
  earlier: Expiring | undefined = undefined;
  later: Expiring | undefined = undefined;
  settled = false;
  readonly headOnly: boolean;
  readonly keepHeaders: readonly string[] | undefined;
  #status: number | undefined;
  #headers: ResponseHeaders = noHeaders;
  #bodyBytes = 0;
  #kept: Buffer[] | undefined;
  #keptBytes = 0;
  #abort: ((code: string) => void) | undefined;
  readonly #onSignal = (): void => this.expire(errorCodes.aborted);
  readonly #limits: ExchangeLimits;
  readonly #deadlines: Deadlines;
  readonly #resolve: (exchange: Exchange) => void;

  constructor(
    request: ExchangeRequest,
    limits: ExchangeLimits,
    deadlines: Deadlines,
    resolve: (exchange: Exchange) => void,
  ) {
    this.headOnly = request.method === 'HEAD';
    this.keepHeaders = limits.keepBody ? withContentEncoding(request.keepHeaders) : request.keepHeaders;
    this.#limits = limits;
    this.#deadlines = deadlines;
    this.#resolve = resolve;
    if (limits.keepBody) this.#kept = [];
    deadlines.add(this, limits.timeoutMs);
    limits.signal?.addEventListener('abort', this.#onSignal, { once: true });
  }

  /** How to end the exchange early: the connection carrying it. */
  onSent(abort: (code: string) => void): void {
    this.#abort = abort;
  }

  expire(code: string = errorCodes.timeout): void {
    // A request still waiting for a connection has nothing to abort: the pool skips it once settled.
    if (this.#abort === undefined) this.onError(code);
    else this.#abort(code);
  }

  onHeaders(status: number, headers: ResponseHeaders): void {
    this.#status = status;
    this.#headers = headers;
  }

  onData(chunk: Buffer, start: number, end: number): void {
    this.#bodyBytes += end - start;
    const room = this.#limits.maxBodyBytes - this.#keptBytes;
    if (this.#kept !== undefined && room > 0) {
      // A copy: the chunk is the connection's read buffer, which the next read overwrites.
      const part = Buffer.from(chunk.subarray(start, Math.min(end, start + room)));
      this.#kept.push(part);
      this.#keptBytes += part.length;
    }
  }

  onComplete(): void {
    const result: Exchange = {
      headers: this.#headers,
      bodyBytes: this.#bodyBytes,
      bodyTruncated: this.#bodyBytes > this.#limits.maxBodyBytes,
    };
    if (this.#status !== undefined) result.status = this.#status;
    if (this.#kept === undefined) {
      this.#settle(result);
      return;
    }
    const kept = Buffer.concat(this.#kept);
    const applied = contentCodings(this.#headers['content-encoding']);
    if (applied === undefined) {
      result.body = kept.toString('utf8');
      this.#settle(result);
      return;
    }
    // The answer is all here: its deadline is met, and the connection already carries the next exchange.
    this.#deadlines.delete(this, this.#limits.timeoutMs);
    this.#abort = undefined;
    decodeBody(kept, !result.bodyTruncated, applied, this.#limits.maxBodyBytes).then((decoded) => {
      result.body = decoded.bytes.toString('utf8');
      result.bodyTruncated = decoded.truncated;
      this.#settle(result);
    });
  }

  onError(code: string): void {
    const failed: Exchange = {
      errorCode: code,
      headers: this.#headers,
      bodyBytes: this.#bodyBytes,
      bodyTruncated: this.#bodyBytes > this.#limits.maxBodyBytes,
    };
    if (this.#status !== undefined) failed.status = this.#status;
    this.#settle(failed);
  }

  #settle(exchange: Exchange): void {
    if (this.settled) return;
    this.settled = true;
    this.#deadlines.delete(this, this.#limits.timeoutMs);
    this.#limits.signal?.removeEventListener('abort', this.#onSignal);
    this.#resolve(exchange);
  }
}

/**
 * One HTTP exchange that never throws: every failure (refused, reset, timeout, garbage, a body cut short)
 * comes back as an errorCode, with the status when headers had arrived.
 */
export function exchange(
  agent: HttpAgent,
  request: ExchangeRequest,
  limits: ExchangeLimits,
  deadlines: Deadlines = sharedDeadlines,
): Promise<Exchange> {
  if (limits.signal?.aborted) {
    return Promise.resolve({
      errorCode: errorCodes.aborted,
      headers: noHeaders,
      bodyBytes: 0,
      bodyTruncated: false,
    });
  }
  return new Promise((resolve) => {
    agent.send(request, new ExchangeHandler(request, limits, deadlines, resolve));
  });
}

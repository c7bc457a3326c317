import { type Dispatcher, Pool } from 'undici';
import { errorCodes } from './error-codes.js';
import { maxHeadBytes } from './response-parser.js';
import type { AgentOptions, HttpAgent, OutgoingRequest, ResponseHeaders, ResponseSink } from './types.js';

/** The code an undici failure carries: its own (UND_ERR_*), llhttp's (HPE_*), or the system's. */
function codeOf(error: Error): string {
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') return code;
  // undici 7 looks llhttp's code name up the wrong way round and loses it: still a parse error.
  return error.name === 'HTTPParserError' ? errorCodes.invalidResponse : error.name;
}

function keptHeaders(headers: ResponseHeaders, keep: readonly string[] | undefined): ResponseHeaders {
  if (keep === undefined) return headers;
  const kept: Record<string, string | string[] | undefined> = {};
  for (const name of keep) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/**
 * One exchange as undici's handler protocol tells it, told on to the sink the engine's own client tells.
 * `abort` ends it with the engine's code (a timeout), whatever undici says after.
 */
class SinkHandler implements Dispatcher.DispatchHandler {
  readonly #sink: ResponseSink;
  readonly #agent: UndiciAgent;
  #done = false;

  constructor(sink: ResponseSink, agent: UndiciAgent) {
    this.#sink = sink;
    this.#agent = agent;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#sink.onSent((code) => {
      this.#fail(code);
      controller.abort(new Error(code));
    });
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: ResponseHeaders,
  ): void {
    if (this.#done || statusCode < 200) return;
    this.#sink.onHeaders(statusCode, keptHeaders(headers, this.#sink.keepHeaders));
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#done) this.#sink.onData(chunk, 0, chunk.length);
  }

  onResponseEnd(): void {
    if (this.#done) return;
    this.#done = true;
    this.#sink.onComplete();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // undici names the requests a destroyed pool drops its own way; the engine's client calls them closed.
    this.#fail(this.#agent.closed ? errorCodes.clientClosed : codeOf(error));
  }

  #fail(code: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#sink.onError(code);
  }
}

/**
 * The reference path (`target.client: undici`): the same requests through undici's Pool, so llhttp reads
 * every answer. Same connection budget, source address, connect timeout and head size limit as the engine's
 * client; one request at a time per connection. For a user who doubts a number: same profile, both ways.
 */
export class UndiciAgent implements HttpAgent {
  readonly #options: AgentOptions;
  readonly #pools = new Map<string, Pool>();
  closed = false;

  constructor(options: AgentOptions) {
    this.#options = options;
  }

  send(request: OutgoingRequest, sink: ResponseSink): void {
    if (this.closed) {
      sink.onError(errorCodes.clientClosed);
      return;
    }
    const handler = new SinkHandler(sink, this);
    try {
      this.#poolFor(request.origin).dispatch(
        {
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          reset: request.closeAfter,
          // The exchange's own deadline covers the whole answer, as on the engine's client.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (error) {
      // A header value undici will not write (a line break in it): an error record, not a request.
      sink.onError(
        error instanceof Error && codeOf(error) === 'UND_ERR_INVALID_ARG'
          ? errorCodes.invalidHeader
          : String(error),
      );
    }
  }

  close(): void {
    this.closed = true;
    for (const pool of this.#pools.values()) void pool.destroy();
    this.#pools.clear();
  }

  #poolFor(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      const { maxConnections, connectTimeoutMs, localAddress } = this.#options;
      pool = new Pool(origin, {
        connections: maxConnections,
        pipelining: 1,
        maxHeaderSize: maxHeadBytes,
        connect: { timeout: connectTimeoutMs },
        ...(localAddress === undefined ? {} : { localAddress }),
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }
}

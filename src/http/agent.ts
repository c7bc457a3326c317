import type { Deadlines } from './deadlines.js';
import { Http1Pool } from './pool.js';
import { HeaderValueError, requestHead } from './request-head.js';
import type { AgentOptions, HttpAgent, OutgoingRequest, ResponseSink } from './types.js';

/** The HTTP/1.1 client of one source address: a pool of connections per origin it has talked to. */
export class Http1Agent implements HttpAgent {
  readonly #options: AgentOptions;
  readonly #deadlines: Deadlines;
  readonly #pools = new Map<string, { pool: Http1Pool; host: string }>();

  constructor(options: AgentOptions, deadlines: Deadlines) {
    this.#options = options;
    this.#deadlines = deadlines;
  }

  send(request: OutgoingRequest, sink: ResponseSink): void {
    const { pool, host } = this.#poolFor(request.origin);
    let head: string;
    try {
      head = requestHead(request, host);
    } catch (error) {
      if (!(error instanceof HeaderValueError)) throw error;
      sink.onError(error.code);
      return;
    }
    pool.send({
      head,
      body: request.body,
      sink,
      closeAfter: request.closeAfter,
      idempotent: request.method !== 'POST' && request.method !== 'PATCH',
      retried: false,
    });
  }

  /** Ends every connection; what is in flight fails with UND_ERR_CLOSED, later sends too. */
  close(): void {
    for (const { pool } of this.#pools.values()) pool.close();
  }

  #poolFor(origin: string): { pool: Http1Pool; host: string } {
    let entry = this.#pools.get(origin);
    if (entry === undefined) {
      const url = new URL(origin);
      const tls = url.protocol === 'https:';
      const target = {
        // A URL writes an IPv6 address in brackets; a socket wants it bare.
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
        tls,
        localAddress: this.#options.localAddress,
        connectTimeoutMs: this.#options.connectTimeoutMs,
      };
      entry = { pool: new Http1Pool(target, this.#options.maxConnections, this.#deadlines), host: url.host };
      this.#pools.set(origin, entry);
    }
    return entry;
  }
}

import { type ConnectionOwner, type ConnectTarget, Http1Connection, type WireRequest } from './connection.js';
import type { Deadlines } from './deadlines.js';
import { errorCodes } from './error-codes.js';

/**
 * How long an idle connection may wait for its next request, as undici does it: a server closes an idle
 * connection after its own timeout, and a request written while that close is on its way fails as if the
 * server had reset it. So a connection idle for longer than the server's hint (Keep-Alive: timeout=N) less
 * a margin, or than 4 s when the server gives none (Node's servers close at 5 s), is closed, not reused.
 */
const idleReuse = { defaultMs: 4000, marginMs: 2000, maxMs: 600_000 } as const;

function reuseWindowMs(serverIdleTimeoutMs: number | undefined): number {
  if (serverIdleTimeoutMs === undefined) return idleReuse.defaultMs;
  return Math.min(idleReuse.maxMs, Math.max(0, serverIdleTimeoutMs - idleReuse.marginMs));
}

/**
 * The connections to one origin from one source address: at most `maxConnections`, reused while the server
 * keeps them alive; requests beyond them wait in order. A queue with a moving head, because thousands of
 * users may wait at once and `shift()` would copy them all each time.
 */
export class Http1Pool implements ConnectionOwner {
  readonly #target: ConnectTarget;
  readonly #maxConnections: number;
  readonly #deadlines: Deadlines;
  readonly #idle: Http1Connection[] = [];
  readonly #open = new Set<Http1Connection>();
  #waiting: WireRequest[] = [];
  #waitingHead = 0;
  #closed = false;

  constructor(target: ConnectTarget, maxConnections: number, deadlines: Deadlines) {
    this.#target = target;
    this.#maxConnections = maxConnections;
    this.#deadlines = deadlines;
  }

  send(request: WireRequest): void {
    if (this.#closed) {
      request.sink.onError(errorCodes.clientClosed);
      return;
    }
    const idle = this.#freshIdle();
    if (idle !== undefined) idle.send(request);
    else if (this.#open.size < this.#maxConnections) this.#connect().send(request);
    else this.#waiting.push(request);
  }

  retry(request: WireRequest): void {
    if (!request.sink.settled) this.send(request);
  }

  reusable(connection: Http1Connection): void {
    const next = this.#nextWaiting();
    if (next !== undefined) {
      connection.send(next);
      return;
    }
    connection.idleUntil = this.#deadlines.now() + reuseWindowMs(connection.serverIdleTimeoutMs);
    this.#idle.push(connection);
  }

  gone(connection: Http1Connection): void {
    this.#open.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
    if (this.#closed) return;
    const next = this.#nextWaiting();
    if (next !== undefined) this.#connect().send(next);
  }

  /** Ends every connection; what is in flight or waiting fails with UND_ERR_CLOSED. */
  close(): void {
    this.#closed = true;
    for (let next = this.#nextWaiting(); next !== undefined; next = this.#nextWaiting()) {
      next.sink.onError(errorCodes.clientClosed);
    }
    for (const connection of [...this.#open]) connection.abort(errorCodes.clientClosed);
  }

  /** The idle connection used last, once those that waited too long are closed. */
  #freshIdle(): Http1Connection | undefined {
    const now = this.#deadlines.now();
    for (let idle = this.#idle.pop(); idle !== undefined; idle = this.#idle.pop()) {
      if (idle.idleUntil > now) return idle;
      idle.abort(errorCodes.closed);
    }
    return undefined;
  }

  #connect(): Http1Connection {
    const connection = new Http1Connection(this.#target, this, this.#deadlines);
    this.#open.add(connection);
    return connection;
  }

  /** The first waiting request that has not timed out meanwhile. */
  #nextWaiting(): WireRequest | undefined {
    while (this.#waitingHead < this.#waiting.length) {
      const next = this.#waiting[this.#waitingHead] as WireRequest;
      this.#waitingHead += 1;
      if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#waitingHead);
        this.#waitingHead = 0;
      }
      if (!next.sink.settled) return next;
    }
    this.#waiting.length = 0;
    this.#waitingHead = 0;
    return undefined;
  }
}

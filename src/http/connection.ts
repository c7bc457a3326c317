import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Deadlines, Expiring } from './deadlines.js';
import { errorCodes } from './error-codes.js';
import { ParseError, ResponseParser } from './response-parser.js';
import type { ResponseHeaders, ResponseSink } from './types.js';

export interface ConnectTarget {
  host: string;
  port: number;
  tls: boolean;
  localAddress?: string | undefined;
  connectTimeoutMs: number;
}

/** A request ready to write, and who hears its answer. */
export interface WireRequest {
  head: string;
  body: string | undefined;
  sink: ResponseSink;
  closeAfter: boolean;
  /** It may be sent again when a reused connection closes before any byte of its answer (GET, HEAD, ...). */
  idempotent: boolean;
  /** It was sent again once already: a second loss is the server's answer. */
  retried: boolean;
}

/** What a connection tells the pool it belongs to. */
export interface ConnectionOwner {
  /** The connection finished an exchange and can carry another. */
  reusable(connection: Http1Connection): void;
  /** The connection is gone (closed by either side, failed, timed out). */
  gone(connection: Http1Connection): void;
  /** The request was lost with a reused connection before the server can have answered it: send it anew. */
  retry(request: WireRequest): void;
}

/**
 * Where every plain TCP connection reads into (`onread`): no Buffer and no stream machinery per read. One
 * buffer serves them all, because a read is handed to its connection and parsed before the next read
 * begins; whatever outlives the read (a partial head, a kept body) is copied out of it.
 */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * One HTTP/1.1 connection carrying one exchange at a time (no pipelining), the way autocannon's client
 * does it: a socket and a response parser, the request written as one string. The connect timeout rides on
 * the shared deadline timer, like every exchange's own deadline.
 */
export class Http1Connection implements Expiring {
  deadline = 0;
  earlier: Expiring | undefined = undefined;
  later: Expiring | undefined = undefined;
  /** Set by the pool when the connection goes idle: past this time it is not used again. */
  idleUntil = 0;
  readonly #socket: Socket;
  readonly #parser = new ResponseParser({
    onHead: (status, headers, keepAlive) => this.#head(status, headers, keepAlive),
    onBody: (chunk, start, end) => this.#sink?.onData(chunk, start, end),
    onEnd: () => this.#complete(),
  });
  readonly #owner: ConnectionOwner;
  readonly #deadlines: Deadlines;
  readonly #connectTimeoutMs: number;
  #connecting = true;
  #request: WireRequest | undefined;
  #sink: ResponseSink | undefined;
  #keepAlive = true;
  #closeAfter = false;
  #gone = false;
  /** It carried an exchange before the one it carries now. */
  #reused = false;
  /** The request is not written yet: the connection waits a turn first (see `send`). */
  #deferred = false;
  /** A byte of the answer to the request has arrived. */
  #answered = false;
  readonly #abort = (code: string): void => this.#fail(code);
  readonly #writeDeferred = (): void => {
    if (!this.#deferred || this.#gone || this.#request === undefined) return;
    this.#deferred = false;
    this.#write(this.#request);
  };

  constructor(target: ConnectTarget, owner: ConnectionOwner, deadlines: Deadlines) {
    this.#owner = owner;
    this.#deadlines = deadlines;
    this.#connectTimeoutMs = target.connectTimeoutMs;
    const options = {
      host: target.host,
      port: target.port,
      localAddress: target.localAddress,
      noDelay: true,
    };
    if (target.tls) {
      const servername = /^[\d.]+$|:/.test(target.host) ? undefined : target.host;
      this.#socket = connectTls({ ...options, servername });
      this.#socket.on('data', (chunk: Buffer) => this.#read(chunk, chunk.length));
    } else {
      const callback = (length: number): boolean => {
        this.#read(readBuffer, length);
        return true;
      };
      this.#socket = connectTcp({ ...options, onread: { buffer: readBuffer, callback } });
    }
    deadlines.add(this, target.connectTimeoutMs);
    this.#socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      this.#connecting = false;
      deadlines.delete(this, this.#connectTimeoutMs);
    });
    this.#socket.on('end', () => this.#ended());
    this.#socket.on('error', (error: NodeJS.ErrnoException) => this.#lost(error.code ?? errorCodes.closed));
    this.#socket.on('close', () => this.#lost(errorCodes.closed));
  }

  /**
   * Writes the request; the sink hears of the answer. Only on a connection that carries nothing. On a reused
   * connection the write waits one turn of the event loop, as undici's client does: a server that closed the
   * connection after its last answer (a FIN in the same packets, or a moment later) is heard first, and the
   * request goes to a new connection instead of failing as if the server had reset it.
   */
  send(request: WireRequest): void {
    this.#request = request;
    this.#sink = request.sink;
    this.#closeAfter = request.closeAfter;
    this.#answered = false;
    this.#parser.reset(request.sink.keepHeaders);
    request.sink.onSent(this.#abort);
    if (this.#reused) {
      this.#deferred = true;
      setImmediate(this.#writeDeferred);
    } else {
      this.#write(request);
    }
  }

  #write(request: WireRequest): void {
    // Latin-1 is the cheaper encoding for the head; a body may hold any text.
    if (request.body === undefined) this.#socket.write(request.head, 'latin1');
    else this.#socket.write(request.head + request.body, 'utf8');
  }

  /** How long the server said it keeps the connection open when idle (its last answer's Keep-Alive). */
  get serverIdleTimeoutMs(): number | undefined {
    return this.#parser.idleTimeoutHintMs;
  }

  /** Ends the connection, and the exchange on it with this code. */
  abort(code: string): void {
    this.#abort(code);
  }

  /** Connect timeout: the shared deadline timer calls it when connecting took too long. */
  expire(): void {
    if (this.#connecting) this.#fail(errorCodes.connectTimeout);
  }

  #read(chunk: Buffer, length: number): void {
    if (this.#sink === undefined || this.#deferred) {
      // Bytes nobody asked for: the connection can no longer be trusted to frame the next answer.
      this.#lost(errorCodes.closed);
      return;
    }
    this.#answered = true;
    try {
      this.#parser.execute(chunk, length);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      this.#fail(error.code);
    }
  }

  #head(status: number, headers: ResponseHeaders, keepAlive: boolean): boolean {
    this.#keepAlive = keepAlive;
    this.#sink?.onHeaders(status, headers);
    return this.#sink?.headOnly ?? false;
  }

  #complete(): void {
    const sink = this.#sink;
    this.#sink = undefined;
    this.#request = undefined;
    sink?.onComplete();
    if (this.#keepAlive && !this.#closeAfter && !this.#parser.trailingBytes) {
      this.#reused = true;
      this.#owner.reusable(this);
    } else {
      this.#fail(errorCodes.closed);
    }
  }

  #ended(): void {
    // A body without length ends with the connection: the parser then completes the answer.
    if (this.#sink !== undefined && !this.#deferred) this.#parser.finish();
    this.#lost(errorCodes.closed);
  }

  /**
   * The connection died under its request. A request not written yet, or an idempotent one on a reused
   * connection that got no byte back, cannot have been answered: the server closed an idle connection as
   * the request went out (the race every keep-alive client has; Go's net/http resends in this case too).
   * It is sent once more on another connection; anything else fails with `code`.
   */
  #lost(code: string): void {
    const request = this.#request;
    const resend =
      request !== undefined &&
      this.#sink !== undefined &&
      !request.retried &&
      (this.#deferred || (this.#reused && request.idempotent && !this.#answered));
    if (!resend) {
      this.#fail(code);
      return;
    }
    this.#sink = undefined;
    this.#request = undefined;
    this.#deferred = false;
    request.retried = true;
    this.#fail(code);
    this.#owner.retry(request);
  }

  #fail(code: string): void {
    const sink = this.#sink;
    this.#sink = undefined;
    this.#request = undefined;
    this.#deferred = false;
    sink?.onError(code);
    if (this.#gone) return;
    this.#gone = true;
    if (this.#connecting) this.#deadlines.delete(this, this.#connectTimeoutMs);
    this.#socket.destroy();
    this.#owner.gone(this);
  }
}

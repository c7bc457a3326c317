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

/** What a connection tells the pool it belongs to. */
export interface ConnectionOwner {
  /** The connection finished an exchange and can carry another. */
  reusable(connection: Http1Connection): void;
  /** The connection is gone (closed by either side, failed, timed out). */
  gone(connection: Http1Connection): void;
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
  #sink: ResponseSink | undefined;
  #keepAlive = true;
  #closeAfter = false;
  #gone = false;
  readonly #abort = (code: string): void => this.#fail(code);

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
    this.#socket.on('error', (error: NodeJS.ErrnoException) => this.#fail(error.code ?? errorCodes.closed));
    this.#socket.on('close', () => this.#fail(errorCodes.closed));
  }

  /** Writes the request; the sink hears of the answer. Only on a connection that carries nothing. */
  send(head: string, body: string | undefined, sink: ResponseSink, closeAfter: boolean): void {
    this.#sink = sink;
    this.#closeAfter = closeAfter;
    this.#parser.reset(sink.keepHeaders);
    sink.onSent(this.#abort);
    // Latin-1 is the cheaper encoding for the head; a body may hold any text.
    if (body === undefined) this.#socket.write(head, 'latin1');
    else this.#socket.write(head + body, 'utf8');
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
    if (this.#sink === undefined) {
      // Bytes nobody asked for: the connection can no longer be trusted to frame the next answer.
      this.#fail(errorCodes.closed);
      return;
    }
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
    sink?.onComplete();
    if (this.#keepAlive && !this.#closeAfter && !this.#parser.trailingBytes) this.#owner.reusable(this);
    else this.#fail(errorCodes.closed);
  }

  #ended(): void {
    // A body without length ends with the connection: the parser then completes the answer.
    if (this.#sink !== undefined) this.#parser.finish();
    this.#fail(errorCodes.closed);
  }

  #fail(code: string): void {
    const sink = this.#sink;
    this.#sink = undefined;
    sink?.onError(code);
    if (this.#gone) return;
    this.#gone = true;
    if (this.#connecting) this.#deadlines.delete(this, this.#connectTimeoutMs);
    this.#socket.destroy();
    this.#owner.gone(this);
  }
}

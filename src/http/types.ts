/**
 * The client's interface, as every implementation of it (the engine's own HTTP/1.1 client, the undici
 * reference path) and every user of it (exchange, the bench's stand-in network) see it.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface OutgoingRequest {
  origin: string;
  method: HttpMethod;
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  /** Ask the server to close the connection after this exchange. */
  closeAfter: boolean;
  /** Report only these response headers (lower-case names); all when undefined. */
  keepHeaders?: readonly string[] | undefined;
}

/** The exchange a connection carries: told of the answer as it arrives, then once of its end. */
export interface ResponseSink {
  /** A HEAD answer has no body, whatever its Content-Length says. */
  readonly headOnly: boolean;
  /** The only headers it wants to hear of (lower-case names); all when undefined. */
  readonly keepHeaders: readonly string[] | undefined;
  /** Whether it has ended (timed out while it waited for a connection, say). */
  readonly settled: boolean;
  /** It is on its way; `abort` ends it (and the connection) early. */
  onSent(abort: (code: string) => void): void;
  onHeaders(status: number, headers: ResponseHeaders): void;
  /** Bytes `start` to `end` of `chunk`, valid only during the call. */
  onData(chunk: Buffer, start: number, end: number): void;
  onComplete(): void;
  onError(code: string): void;
}

/** An HTTP client of one source address: sends requests to any origin, each answer told to its sink. */
export interface HttpAgent {
  send(request: OutgoingRequest, sink: ResponseSink): void;
  /** Ends every connection; what is in flight fails with UND_ERR_CLOSED, later sends too. */
  close(): void;
}

export interface AgentOptions {
  /** Connections per origin. */
  maxConnections: number;
  connectTimeoutMs: number;
  localAddress?: string | undefined;
}
